/**
 * Data sources (embedded MNIST, a verified MNIST download, IDX files, folders of images per class),
 * IDX reading and writing, image decoding, resizing and caching: bytes in, arrays out.
 */
package dev.cgan.data;
