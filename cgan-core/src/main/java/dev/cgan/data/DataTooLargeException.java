package dev.cgan.data;

import java.io.IOException;

/**
 * A data set that would not fit in the Java heap once decoded, refused before anything is decoded
 * or allocated. The message is one line with the numbers: what the set needs, what the heap has
 * free and its maximum, and what to change ({@code -Xmx}, a smaller size, grey instead of colour).
 */
public final class DataTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long neededBytes;
  private final long availableBytes;

  DataTooLargeException(String message, long neededBytes, long availableBytes) {
    super(message);
    this.neededBytes = neededBytes;
    this.availableBytes = availableBytes;
  }

  /** Bytes the set needs at the peak of loading. */
  public long neededBytes() {
    return neededBytes;
  }

  /** Bytes of heap that were free. */
  public long availableBytes() {
    return availableBytes;
  }
}
