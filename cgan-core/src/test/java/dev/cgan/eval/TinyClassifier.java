package dev.cgan.eval;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A classifier recipe and data small enough to train in about a second, for tests. */
final class TinyClassifier {
  /** One epoch of 320 digits, no fine-tuning. */
  static final ClassifierSpec SPEC = new ClassifierSpec(1, 0, 32, 2e-3f, 7);

  private static LabeledImages all;

  private TinyClassifier() {}

  private static synchronized LabeledImages all() {
    if (all == null) {
      try {
        all = EmbeddedMnist.load();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  static LabeledImages train() {
    return all().subset(0, 320);
  }

  /** 200 digits from the standard held-out range. */
  static LabeledImages heldOut() {
    return all().subset(8000, 8200);
  }
}
