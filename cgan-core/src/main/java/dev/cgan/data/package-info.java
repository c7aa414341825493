/**
 * Data sources (embedded MNIST, a verified MNIST download, IDX files), IDX reading and writing:
 * bytes in, arrays out.
 */
package dev.cgan.data;
