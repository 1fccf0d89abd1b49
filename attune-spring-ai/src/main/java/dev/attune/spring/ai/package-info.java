/**
 * Attune in Spring AI: {@link dev.attune.spring.ai.AttuneAdvisor} for {@code ChatClient}, over the
 * embedded engine or a remote service ({@link dev.attune.connect.AttuneMemory}).
 */
@NullMarked
package dev.attune.spring.ai;

import org.jspecify.annotations.NullMarked;
