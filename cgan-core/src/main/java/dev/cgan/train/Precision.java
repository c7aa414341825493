package dev.cgan.train;

import dev.cgan.InvalidSettingException;
import dev.cgan.internal.CpuInfo;
import dev.cgan.train.internal.TrainingThreads;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/**
 * Arithmetic of the training session. {@link #FP32} is the reference. {@link #MIXED_BF16} lets
 * TensorFlow's grappler rewrite matmuls and their neighbours to bfloat16 (oneDNN's
 * auto-mixed-precision pass), which runs on AMX / AVX-512-BF16 units where the CPU has them:
 * faster, but a different numerical path, so it is an opt-in and recorded nowhere as the reference.
 * It needs oneDNN to dispatch AVX-512 or newer: on an AVX2 CPU (or under {@code
 * ONEDNN_MAX_CPU_ISA=AVX2}) oneDNN has no bfloat16 matmul and aborts the whole process, so it is
 * refused there.
 */
public enum Precision {
  FP32,
  MIXED_BF16;

  /** Whether this precision can run on this machine's CPU. */
  public boolean supported() {
    return this == FP32 || CpuInfo.current().runsBfloat16();
  }

  /**
   * Refuses a precision this CPU cannot run, naming the CPU.
   *
   * @throws InvalidSettingException for the setting {@code precision}
   */
  public Precision requireSupported() {
    if (!supported()) {
      CpuInfo cpu = CpuInfo.current();
      throw InvalidSettingException.worded(
          "precision",
          "precision bf16 needs a CPU on which oneDNN dispatches AVX-512 or newer; this one"
              + " dispatches "
              + cpu.onednnIsa()
              + (cpu.onednnCap() == null ? "" : " (ONEDNN_MAX_CPU_ISA=" + cpu.onednnCap() + ")")
              + ": use fp32");
    }
    return this;
  }

  /**
   * Session options for this precision with the training's own threads: 2 inter-op threads of half
   * the cores each (what {@link TrainingRun} uses by default).
   *
   * @throws InvalidSettingException if this CPU cannot run it ({@link #requireSupported()})
   */
  public ConfigProto sessionConfig() {
    return sessionConfig(TrainingThreads.config());
  }

  /**
   * Session options for this precision on top of {@code base} (null for TensorFlow's defaults).
   *
   * @throws InvalidSettingException if this CPU cannot run it ({@link #requireSupported()})
   */
  public ConfigProto sessionConfig(ConfigProto base) {
    if (this == FP32) {
      return base;
    }
    requireSupported();
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
