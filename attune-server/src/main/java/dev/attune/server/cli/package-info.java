/** The command line: {@code ./attune <command>}, built with picocli. */
@NullMarked
package dev.attune.server.cli;

import org.jspecify.annotations.NullMarked;
