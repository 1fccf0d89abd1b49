/** Attune as a service: configuration, the HTTP API and the command line. */
@NullMarked
package dev.attune.server;

import org.jspecify.annotations.NullMarked;
