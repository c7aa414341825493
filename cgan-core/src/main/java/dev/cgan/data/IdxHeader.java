package dev.cgan.data;

import java.util.Arrays;

/**
 * What an IDX header declares: the element type and the dimensions.
 *
 * @param source the file, as messages name it
 * @param type the element type
 * @param dims the dimensions, outermost first, each positive
 */
public record IdxHeader(String source, IdxFile.Type type, int[] dims) {
  public IdxHeader {
    dims = dims.clone();
  }

  /** The dimensions, outermost first; a copy. */
  @Override
  public int[] dims() {
    return dims.clone();
  }

  /** The size of dimension {@code i}, outermost first. */
  public int dim(int i) {
    return dims[i];
  }

  /** The number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** The bytes of the elements, as the header declares them (under 2^31, checked on reading). */
  public long payloadBytes() {
    long n = type.size();
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** As {@link IdxFile#requireUbyte}, before the elements are read. */
  public void requireUbyte(int rank, String shape) throws InvalidDataException {
    IdxFile.requireUbyte(source, type, dims, rank, shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdxHeader h
        && h.source.equals(source)
        && h.type == type
        && Arrays.equals(h.dims, dims);
  }

  @Override
  public int hashCode() {
    return source.hashCode() * 31 + Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return "IdxHeader[" + source + ", " + IdxFile.describe(dims, dims.length, type) + "]";
  }
}
