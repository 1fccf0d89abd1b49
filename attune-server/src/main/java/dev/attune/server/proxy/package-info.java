/**
 * The model proxy's knowledge of the providers' wire formats: where the user, the conversation and
 * the system prompt are in a request, and where the reply is in a response, streamed or not.
 */
@NullMarked
package dev.attune.server.proxy;

import org.jspecify.annotations.NullMarked;
