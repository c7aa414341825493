package dev.cgan.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One palette of at most 256 colours for a set of colour pictures (the frames of a GIF), and the
 * pictures in it. When the pictures hold 256 colours or fewer, those are the palette and nothing
 * changes. Otherwise it is Heckbert's median cut over every pixel of every frame: colours are
 * counted in 32 × 32 × 32 boxes, the box with the most pixels times its longest side is split at
 * the pixel median along that side until there are 256, each entry is the mean of the pixels in its
 * box, and every pixel takes the nearest entry (no dithering, so equal pixels stay equal and the
 * output depends on the pixels only). One palette for all frames keeps colours from flickering.
 */
final class Palette {
  private static final int BITS = 5, SIDE = 1 << BITS, LEVELS = 256;

  private final IndexColorModel model;
  private final int[] rgb;
  private final Map<Integer, Integer> exact;
  private final Map<Integer, Integer> nearest = new HashMap<>();

  private Palette(int[] rgb, Map<Integer, Integer> exact) {
    this.rgb = rgb;
    this.exact = exact;
    byte[] r = new byte[LEVELS], g = new byte[LEVELS], b = new byte[LEVELS];
    for (int i = 0; i < rgb.length; i++) {
      r[i] = (byte) (rgb[i] >> 16);
      g[i] = (byte) (rgb[i] >> 8);
      b[i] = (byte) rgb[i];
    }
    this.model = new IndexColorModel(8, LEVELS, r, g, b);
  }

  /**
   * The palette of {@code frames}, 8-bit colour pictures ({@link BufferedImage#TYPE_3BYTE_BGR}).
   */
  static Palette of(List<BufferedImage> frames) {
    Map<Integer, Integer> distinct = new LinkedHashMap<>();
    long[] count = new long[SIDE * SIDE * SIDE];
    long[][] sum = new long[count.length][];
    for (BufferedImage f : frames) {
      byte[] bgr = bytes(f);
      for (int p = 0; p < bgr.length; p += 3) {
        int c = (bgr[p + 2] & 0xFF) << 16 | (bgr[p + 1] & 0xFF) << 8 | (bgr[p] & 0xFF);
        if (distinct.size() <= LEVELS) {
          distinct.putIfAbsent(c, distinct.size());
        }
        int box = bin(c);
        if (count[box]++ == 0) {
          sum[box] = new long[3];
        }
        sum[box][0] += c >> 16 & 0xFF;
        sum[box][1] += c >> 8 & 0xFF;
        sum[box][2] += c & 0xFF;
      }
    }
    if (distinct.size() <= LEVELS) {
      int[] rgb = distinct.keySet().stream().mapToInt(Integer::intValue).toArray();
      return new Palette(rgb, distinct);
    }
    return new Palette(medianCut(count, sum), null);
  }

  private static int[] medianCut(long[] count, long[][] sum) {
    List<int[]> boxes = new ArrayList<>(); // each: the bins it holds
    boxes.add(
        java.util.stream.IntStream.range(0, count.length).filter(i -> count[i] > 0).toArray());
    while (boxes.size() < LEVELS) {
      int[] widest = null;
      int axis = 0;
      double best = 0;
      for (int[] box : boxes) {
        if (box.length < 2) {
          continue;
        }
        long pixels = 0;
        int[] lo = {SIDE, SIDE, SIDE}, hi = {-1, -1, -1};
        for (int bin : box) {
          pixels += count[bin];
          for (int a = 0; a < 3; a++) {
            lo[a] = Math.min(lo[a], component(bin, a));
            hi[a] = Math.max(hi[a], component(bin, a));
          }
        }
        for (int a = 0; a < 3; a++) {
          double score = (double) (hi[a] - lo[a]) * pixels;
          if (score > best) {
            best = score;
            widest = box;
            axis = a;
          }
        }
      }
      if (widest == null) {
        break;
      }
      boxes.remove(widest);
      int along = axis;
      Integer[] sorted = Arrays.stream(widest).boxed().toArray(Integer[]::new);
      Arrays.sort(sorted, Comparator.comparingInt(bin -> component(bin, along)));
      long total = Arrays.stream(widest).mapToLong(bin -> count[bin]).sum(), seen = 0;
      int cut = 1;
      for (; cut < sorted.length - 1; cut++) {
        seen += count[sorted[cut - 1]];
        if (2 * seen >= total) {
          break;
        }
      }
      boxes.add(Arrays.stream(sorted, 0, cut).mapToInt(Integer::intValue).toArray());
      boxes.add(Arrays.stream(sorted, cut, sorted.length).mapToInt(Integer::intValue).toArray());
    }
    int[] rgb = new int[boxes.size()];
    for (int i = 0; i < rgb.length; i++) {
      long n = 0, r = 0, g = 0, b = 0;
      for (int bin : boxes.get(i)) {
        n += count[bin];
        r += sum[bin][0];
        g += sum[bin][1];
        b += sum[bin][2];
      }
      rgb[i] =
          (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n);
    }
    return rgb;
  }

  /** The palette as a colour model, 256 entries (unused ones black). */
  IndexColorModel model() {
    return model;
  }

  /** {@code frame} as indices into this palette. */
  BufferedImage indexed(BufferedImage frame) {
    BufferedImage out =
        new BufferedImage(
            frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, model);
    byte[] bgr = bytes(frame);
    byte[] idx = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    for (int p = 0, q = 0; p < bgr.length; p += 3, q++) {
      int c = (bgr[p + 2] & 0xFF) << 16 | (bgr[p + 1] & 0xFF) << 8 | (bgr[p] & 0xFF);
      idx[q] = (byte) (exact != null ? exact.get(c) : nearest(c));
    }
    return out;
  }

  private int nearest(int c) {
    return nearest.computeIfAbsent(
        c,
        colour -> {
          int r = colour >> 16 & 0xFF, g = colour >> 8 & 0xFF, b = colour & 0xFF;
          long best = Long.MAX_VALUE;
          int index = 0;
          for (int i = 0; i < rgb.length; i++) {
            long dr = (rgb[i] >> 16 & 0xFF) - r, dg = (rgb[i] >> 8 & 0xFF) - g;
            long db = (rgb[i] & 0xFF) - b;
            long d = 2 * dr * dr + 4 * dg * dg + 3 * db * db; // weighted as the eye weighs them
            if (d < best) {
              best = d;
              index = i;
            }
          }
          return index;
        });
  }

  private static int bin(int c) {
    return (c >> 19 & 0x1F) << 10 | (c >> 11 & 0x1F) << 5 | (c >> 3 & 0x1F);
  }

  private static int component(int bin, int axis) {
    return bin >> (10 - 5 * axis) & 0x1F;
  }

  private static byte[] bytes(BufferedImage frame) {
    return ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
  }
}
