package dev.cgan.data;

/**
 * Reports how far {@link ImageFolderReader} has got decoding a folder, for a progress bar or a log
 * line. Called on the thread that called {@code read}, about five times a second while images are
 * decoded and once at the end (with {@code done == total}); not called for a set read from the
 * cache.
 */
@FunctionalInterface
public interface DecodeProgress {
  /**
   * @param done images decoded (or found bad) so far
   * @param total images to decode
   * @param imagesPerSecond {@code done} over the seconds since decoding began
   */
  void update(int done, int total, double imagesPerSecond);

  /** Reports nothing. */
  DecodeProgress NONE = (done, total, rate) -> {};
}
