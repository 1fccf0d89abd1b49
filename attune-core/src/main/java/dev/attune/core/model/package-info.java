/**
 * The domain: identifiers, profiles, memories, episodes and their history. Every type here is an
 * immutable value (a record or an enum); constructors validate and name the offending parameter.
 */
@NullMarked
package dev.attune.core.model;

import org.jspecify.annotations.NullMarked;
