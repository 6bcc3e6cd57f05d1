package dev.bindery.client.tls;

import java.math.BigInteger;

/** The few DER constructs SEC1 private keys need; anything unexpected is a {@link MalformedException}. */
final class Der {
  private Der() {}

  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /** Reads consecutive TLV elements of one byte range. */
  static final class Reader {
    private final byte[] der;
    private int position;
    private final int end;

    Reader(byte[] der) {
      this(der, 0, der.length);
    }

    private Reader(byte[] der, int start, int end) {
      this.der = der;
      this.position = start;
      this.end = end;
    }

    Reader sequence() throws MalformedException {
      int[] range = element(0x30);
      return new Reader(der, range[0], range[1]);
    }

    /** The content of the context-specific constructed tag {@code [n]}, skipping elements before it. */
    Reader explicit(int n) throws MalformedException {
      while (position < end) {
        int tag = der[position] & 0xff;
        int[] range = element(tag);
        if (tag == (0xa0 | n)) {
          return new Reader(der, range[0], range[1]);
        }
      }
      throw new MalformedException("no [" + n + "] element");
    }

    BigInteger integer() throws MalformedException {
      int[] range = element(0x02);
      return new BigInteger(java.util.Arrays.copyOfRange(der, range[0], range[1]));
    }

    byte[] octetString() throws MalformedException {
      int[] range = element(0x04);
      return java.util.Arrays.copyOfRange(der, range[0], range[1]);
    }

    String oid() throws MalformedException {
      int[] range = element(0x06);
      if (range[1] == range[0]) {
        throw new MalformedException("empty OID");
      }
      StringBuilder out = new StringBuilder();
      long value = 0;
      boolean first = true;
      for (int i = range[0]; i < range[1]; i++) {
        int b = der[i] & 0xff;
        value = (value << 7) | (b & 0x7f);
        if (value > Integer.MAX_VALUE) {
          throw new MalformedException("OID arc too large");
        }
        if ((b & 0x80) == 0) {
          if (first) {
            long top = Math.min(value / 40, 2);
            out.append(top).append('.').append(value - top * 40);
            first = false;
          } else {
            out.append('.').append(value);
          }
          value = 0;
        }
      }
      return out.toString();
    }

    /** Consumes one element with the expected tag; returns the content's [start, end). */
    private int[] element(int expectedTag) throws MalformedException {
      if (position + 2 > end || (der[position] & 0xff) != expectedTag) {
        throw new MalformedException("expected tag " + expectedTag);
      }
      position++;
      int length = der[position++] & 0xff;
      if (length > 0x7f) {
        int bytes = length & 0x7f;
        if (bytes == 0 || bytes > 3 || position + bytes > end) {
          throw new MalformedException("bad length");
        }
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (der[position++] & 0xff);
        }
      }
      if (length > end - position) {
        throw new MalformedException("truncated element");
      }
      int start = position;
      position += length;
      return new int[] {start, position};
    }
  }
}
