/**
 * The wire format shared by the command line and the HTTP API: JSON in snake_case, the records that
 * are read and written, and the translation of JSON errors into errors that name the field.
 */
@NullMarked
package dev.attune.server.wire;

import org.jspecify.annotations.NullMarked;
