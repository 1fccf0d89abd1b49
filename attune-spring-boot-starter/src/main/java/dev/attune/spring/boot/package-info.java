/**
 * The Spring Boot starter: {@link dev.attune.spring.boot.AttuneAutoConfiguration} from {@link
 * dev.attune.spring.boot.AttuneProperties}.
 */
@NullMarked
package dev.attune.spring.boot;

import org.jspecify.annotations.NullMarked;
