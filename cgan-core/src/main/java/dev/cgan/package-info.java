/**
 * cgan-java: a conditional GAN on TensorFlow Java. The project version and the exception that names
 * a setting that cannot work.
 */
package dev.cgan;
