package dev.cgan.train;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.LabeledImages;
import dev.cgan.run.RunSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Settles what a new run's settings leave to the data: the network's channels (the data's: 1 grey,
 * 3 colour), the class count (max(label) + 1, at least 2), the class names (an image folder's
 * subfolders, unless the settings name the classes), the length in iterations, and the result
 * labels (every class once); and the one check that needs both, a batch no larger than the data.
 */
final class SettingsResolution {
  private SettingsResolution() {}

  /** {@code s} with its class count, length and result labels set for {@code data}. */
  static RunSettings resolve(RunSettings s, LabeledImages data) {
    int classes = s.classes() > 0 ? s.classes() : Math.max(data.numClasses(), 2);
    requireBatchFits(s.batchSize(), data.count());
    List<String> names = s.classNames();
    if (names == null && !data.classNames().isEmpty()) {
      names = data.classNames();
    } else if (names != null && names.size() != classes) {
      throw new InvalidSettingException(
          "classNames",
          "has " + names.size() + " names but the data has " + classes + " classes" + named(data));
    }
    return s.toBuilder()
        .network(s.network().withChannels(data.channels()))
        .classes(classes)
        .classNames(names)
        .iterations(length(s.epochs(), s.iterations(), data.count() / s.batchSize()))
        .resultLabels(s.resultLabels() != null ? s.resultLabels() : everyClass(classes))
        .build();
  }

  private static String named(LabeledImages data) {
    return data.classNames().isEmpty() ? "" : " " + data.classNames();
  }

  /** A batch is drawn from the data without repeats within an epoch. */
  static void requireBatchFits(int batchSize, int images) {
    if (images < batchSize) {
      throw new InvalidSettingException(
          "batchSize", batchSize + " is larger than the data (" + images + " images)");
    }
  }

  /** Iterations of a run given in {@code iterations}, or in epochs of {@code perEpoch}. */
  static long length(Integer epochs, Long iterations, long perEpoch) {
    if (iterations != null) {
      return iterations;
    }
    long e = epochs != null ? epochs : RunSettings.DEFAULT_EPOCHS;
    if (e > Long.MAX_VALUE / Math.max(perEpoch, 1)) {
      throw new InvalidSettingException("epochs", "is too large, got " + e);
    }
    return e * perEpoch;
  }

  /** Every class once, as digits when there are at most ten, else as a list. */
  static String everyClass(int classes) {
    List<String> all = new ArrayList<>();
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < classes; i++) {
      all.add(Integer.toString(i));
      digits.append(i);
    }
    return classes <= 10 ? digits.toString() : String.join(",", all);
  }
}
