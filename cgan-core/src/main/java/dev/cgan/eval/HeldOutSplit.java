package dev.cgan.eval;

import dev.cgan.data.LabeledImages;
import dev.cgan.internal.Seeds;

/**
 * The split of a run's own images into what its classifier trains on and what it is measured on:
 * per class, {@link #HELD_OUT_PERCENT} % of the images (rounded, at least one of a class with two
 * or more) drawn in a Fisher–Yates order fixed by {@link #SEED} and the class, are held out; the
 * rest train. Both keep the images' own order. Stratified, so every class is measured; fixed, so
 * the same data always gives the same split (and the same cached classifier).
 *
 * @param train what the classifier trains on
 * @param heldOut what its accuracy and the real references are measured on
 */
record HeldOutSplit(LabeledImages train, LabeledImages heldOut) {
  /** The share of every class held out, in percent. */
  static final int HELD_OUT_PERCENT = 20;

  /** The seed of the split's order. */
  static final long SEED = 20260102L;

  static HeldOutSplit of(LabeledImages data) {
    int n = data.count(), k = data.numClasses();
    int[][] members = new int[k][];
    int[] counts = data.classCounts();
    for (int c = 0; c < k; c++) {
      members[c] = new int[counts[c]];
    }
    int[] filled = new int[k];
    for (int i = 0; i < n; i++) {
      members[data.label(i)][filled[data.label(i)]++] = i;
    }
    boolean[] heldOut = new boolean[n];
    int held = 0;
    for (int c = 0; c < k; c++) {
      int m = members[c].length;
      int take = m < 2 ? 0 : Math.max(1, Math.round(m * HELD_OUT_PERCENT / 100f));
      int[] order = ClassifierTraining.shuffled(m, Seeds.derive(SEED, c));
      for (int j = 0; j < take; j++) {
        heldOut[members[c][order[j]]] = true;
      }
      held += take;
    }
    int[] trainIdx = new int[n - held], heldIdx = new int[held];
    int t = 0, h = 0;
    for (int i = 0; i < n; i++) {
      if (heldOut[i]) {
        heldIdx[h++] = i;
      } else {
        trainIdx[t++] = i;
      }
    }
    // The held-out images in a fixed shuffled order: the Fréchet floor compares their two halves,
    // which must both hold every class (a folder lists its images class by class).
    int[] order = ClassifierTraining.shuffled(held, SEED);
    int[] mixed = new int[held];
    for (int j = 0; j < held; j++) {
      mixed[j] = heldIdx[order[j]];
    }
    return new HeldOutSplit(pick(data, trainIdx), pick(data, mixed));
  }

  private static LabeledImages pick(LabeledImages data, int[] indices) {
    int size = data.height() * data.width() * data.channels();
    byte[] pixels = new byte[indices.length * size];
    int[] labels = new int[indices.length];
    for (int j = 0; j < indices.length; j++) {
      System.arraycopy(data.pixels(), indices[j] * size, pixels, j * size, size);
      labels[j] = data.label(indices[j]);
    }
    LabeledImages set =
        LabeledImages.of(
            pixels, labels, data.height(), data.width(), data.channels(), data.numClasses());
    return data.classNames().isEmpty() ? set : set.withClassNames(data.classNames());
  }

  @Override
  public String toString() {
    return "HeldOutSplit[train " + train.count() + ", held out " + heldOut.count() + "]";
  }
}
