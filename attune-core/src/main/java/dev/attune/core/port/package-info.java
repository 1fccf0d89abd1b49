/**
 * Ports: what the engine needs from the outside world (a store, an embedding model, an extractor, a
 * tokenizer, metrics). Each port is narrow and fully implemented by every adapter; the contract
 * suites in core's test-jar prove it.
 */
@NullMarked
package dev.attune.core.port;

import org.jspecify.annotations.NullMarked;
