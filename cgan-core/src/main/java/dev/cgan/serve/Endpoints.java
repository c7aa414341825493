package dev.cgan.serve;

import java.util.Map;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;

/**
 * Tensor names of the graph's entry points. Those of the styled and mixed paths are null for a
 * SavedModel exported without the {@code generate_styled} and {@code generate_mixed} signatures.
 */
record Endpoints(
    String labels,
    String seed,
    String pixels,
    String images,
    String sameStyle,
    String truncation,
    String styledPixels,
    String styledImages,
    String styledNoise,
    String noise,
    String labelWeights,
    String mixedPixels) {

  /** The tensor names the signatures give: one source of truth for run folders and exports. */
  static Endpoints of(Map<String, SessionFunction> signatures) {
    Signature generate = signatures.get("generate").signature();
    SessionFunction styledFn = signatures.get("generate_styled");
    SessionFunction mixedFn = signatures.get("generate_mixed");
    Signature styled = styledFn == null ? null : styledFn.signature();
    Signature mixed = mixedFn == null ? null : mixedFn.signature();
    return new Endpoints(
        input(generate, "labels"),
        input(generate, "seed"),
        output(generate, "pixels"),
        output(generate, "images"),
        input(styled, "same_style"),
        input(styled, "truncation"),
        output(styled, "pixels"),
        output(styled, "images"),
        output(styled, "noise"),
        input(mixed, "noise"),
        input(mixed, "label_weights"),
        output(mixed, "pixels"));
  }

  private static String input(Signature s, String name) {
    return s == null ? null : s.getInputs().get(name).name;
  }

  private static String output(Signature s, String name) {
    return s == null ? null : s.getOutputs().get(name).name;
  }
}
