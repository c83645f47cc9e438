package io.poolscope.agent.internal.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The protobuf wire format, the part OTLP needs: varints, fixed64, strings and nested messages. A
 * nested message is written to a writer of its own and copied in with its length, so no size pass
 * is needed; OTLP requests nest six deep and weigh kilobytes, so the copies cost little.
 */
public final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LEN = 2;

  private byte[] buf;
  private int size;

  /** An empty writer. */
  public ProtoWriter() {
    this(64);
  }

  private ProtoWriter(int capacity) {
    buf = new byte[capacity];
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  private void raw(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      raw((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    raw((int) v);
  }

  private void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  private void fixed64Raw(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
  }

  /**
   * A varint field (int64, uint32, bool, enum), written even when 0.
   *
   * @param field the field number
   * @param v the value
   * @return this
   */
  public ProtoWriter varint(int field, long v) {
    tag(field, VARINT);
    varint(v);
    return this;
  }

  /**
   * A fixed64 or sfixed64 field, written even when 0.
   *
   * @param field the field number
   * @param v the value
   * @return this
   */
  public ProtoWriter fixed64(int field, long v) {
    tag(field, FIXED64);
    fixed64Raw(v);
    return this;
  }

  /**
   * A double field, written even when 0.
   *
   * @param field the field number
   * @param v the value
   * @return this
   */
  public ProtoWriter dbl(int field, double v) {
    return fixed64(field, Double.doubleToRawLongBits(v));
  }

  /**
   * A string field; null or empty (proto3's default) is left out.
   *
   * @param field the field number
   * @param s the value
   * @return this
   */
  public ProtoWriter string(int field, String s) {
    if (s != null && !s.isEmpty()) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      bytes(field, b, b.length);
    }
    return this;
  }

  /**
   * A string field written even when empty (an attribute's string value).
   *
   * @param field the field number
   * @param s the value, not null
   * @return this
   */
  public ProtoWriter stringAlways(int field, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return bytes(field, b, b.length);
  }

  private ProtoWriter bytes(int field, byte[] b, int len) {
    tag(field, LEN);
    varint(len);
    ensure(len);
    System.arraycopy(b, 0, buf, size, len);
    size += len;
    return this;
  }

  /**
   * A nested message field.
   *
   * @param field the field number
   * @param message the message, written on a writer of its own
   * @return this
   */
  public ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.buf, message.size);
  }

  /**
   * A packed repeated fixed64 field; left out when empty.
   *
   * @param field the field number
   * @param values the values
   * @return this
   */
  public ProtoWriter packedFixed64(int field, long[] values) {
    if (values.length > 0) {
      tag(field, LEN);
      varint(8L * values.length);
      for (long v : values) {
        fixed64Raw(v);
      }
    }
    return this;
  }

  /**
   * A packed repeated double field; left out when empty.
   *
   * @param field the field number
   * @param values the values
   * @return this
   */
  public ProtoWriter packedDouble(int field, double[] values) {
    long[] bits = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Double.doubleToRawLongBits(values[i]);
    }
    return packedFixed64(field, bits);
  }

  /**
   * Appends bytes already encoded (a message written earlier).
   *
   * @param encoded the bytes
   * @return this
   */
  public ProtoWriter raw(byte[] encoded) {
    ensure(encoded.length);
    System.arraycopy(encoded, 0, buf, size, encoded.length);
    size += encoded.length;
    return this;
  }

  /**
   * The bytes written so far.
   *
   * @return a copy
   */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
