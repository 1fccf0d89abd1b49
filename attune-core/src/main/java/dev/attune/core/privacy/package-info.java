/** Privacy and safety rules: what may be stored, and what stored text must never be taken for. */
@NullMarked
package dev.attune.core.privacy;

import org.jspecify.annotations.NullMarked;
