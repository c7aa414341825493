/**
 * The HTTP server behind {@code cgan serve}: TensorFlow Serving's REST API for the generator's
 * SavedModel signatures and the Open Inference Protocol's (v2), PNG and GIF endpoints, and a small
 * web page; on Jetty 12. No HTTP library reaches cgan-core.
 */
package dev.cgan.server;
