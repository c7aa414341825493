package dev.cgan.train;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/**
 * Arithmetic of the training session. {@link #FP32} is the reference. {@link #MIXED_BF16} lets
 * TensorFlow's grappler rewrite matmuls and their neighbours to bfloat16 (oneDNN's
 * auto-mixed-precision pass), which runs on AMX / AVX-512-BF16 units where the CPU has them:
 * faster, but a different numerical path, so it is an opt-in and recorded nowhere as the reference.
 */
public enum Precision {
  FP32,
  MIXED_BF16;

  /** Session options for this precision on top of {@code base} (null for TensorFlow's defaults). */
  public ConfigProto sessionConfig(ConfigProto base) {
    if (this == FP32) {
      return base;
    }
    ConfigProto.Builder b = base == null ? ConfigProto.newBuilder() : base.toBuilder();
    // The field is named auto_mixed_precision_mkl in this proto; TensorFlow 2.18 runs it as its
    // auto_mixed_precision_onednn_bfloat16 pass.
    b.setGraphOptions(
        b.getGraphOptions().toBuilder()
            .setRewriteOptions(
                b.getGraphOptions().getRewriteOptions().toBuilder()
                    .setAutoMixedPrecisionMkl(RewriterConfig.Toggle.ON)));
    return b.build();
  }
}
