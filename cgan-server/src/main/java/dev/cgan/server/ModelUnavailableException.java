package dev.cgan.server;

import java.io.IOException;

/**
 * The model loaded but cannot generate (e.g. a SavedModel whose {@code variables/variables.index}
 * is gone: TensorFlow loads it and fails only when it runs), so {@link CganServer#start} refuses to
 * serve it rather than report it AVAILABLE and fail every request. The message is one line, with
 * TensorFlow's reason; the caller knows the model's folder and puts it in front.
 */
public final class ModelUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  ModelUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
