/**
 * cgan-java: a conditional GAN on TensorFlow Java. The project version, and the two refusals every
 * package may throw: {@link dev.cgan.InvalidSettingException} (a setting that cannot work, named)
 * and {@link dev.cgan.NotEnoughMemoryException} (data or a run that cannot fit, with the numbers).
 */
package dev.cgan;
