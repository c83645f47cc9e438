package io.poolscope.collector.internal.otlp;

import io.poolscope.collector.internal.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads an OTLP request body within the size limit, before and after gzip, so neither a large
 * upload nor a small gzip bomb can exhaust memory.
 */
public final class OtlpBody {

  /** The two encodings OTLP/HTTP defines. */
  public enum Encoding {
    /** {@code application/x-protobuf}. */
    PROTOBUF("application/x-protobuf"),
    /** {@code application/json}. */
    JSON("application/json");

    private final String contentType;

    Encoding(String contentType) {
      this.contentType = contentType;
    }

    /** The Content-Type of this encoding. */
    public String contentType() {
      return contentType;
    }
  }

  /** The largest array a JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** Content-Length up to which the whole array is allocated before the body arrives. */
  private static final int PREALLOCATE_MAX = 1 << 20;

  private final long maxBytes;

  /** Accepts bodies up to {@code maxBytes}, compressed and uncompressed. */
  public OtlpBody(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The encoding named by a Content-Type header; 415 for anything else. */
  public static Encoding encoding(String contentType) {
    String type =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/x-protobuf", "application/protobuf" -> Encoding.PROTOBUF;
      case "application/json" -> Encoding.JSON;
      default ->
          throw new ApiException(
              415,
              "unsupported_media_type",
              "Content-Type must be application/x-protobuf or application/json, not '"
                  + Sanitize.text(contentType, 80)
                  + "'");
    };
  }

  /**
   * Reads the body; 413 when it exceeds the limit, 400/415 for broken or unknown encodings. With a
   * known {@code contentLength} (-1: unknown, chunked) of up to 1 MiB the body is read straight
   * into an array of that size.
   */
  public byte[] read(InputStream in, String contentEncoding, long contentLength) {
    return read(in, contentEncoding, contentLength, n -> {}, Long.MAX_VALUE);
  }

  /**
   * As {@link #read(InputStream, String, long)}, telling {@code reserve} the size of every buffer
   * before it is allocated (it throws to refuse one), and answering 408 once the body has taken
   * until {@code deadlineNanos} ({@code System.nanoTime()}) and is still not complete.
   */
  public byte[] read(
      InputStream in,
      String contentEncoding,
      long contentLength,
      LongConsumer reserve,
      long deadlineNanos) {
    if (contentLength > maxBytes || contentLength > MAX_ARRAY) {
      throw tooLarge(contentLength);
    }
    Reading r = new Reading(reserve, deadlineNanos);
    byte[] raw;
    if (contentLength < 0) {
      raw = readLimited(in, "request body", 8192, r);
    } else if (contentLength <= PREALLOCATE_MAX) {
      raw = readExactly(in, (int) contentLength, r);
    } else {
      // Not trusted with a large array before the bytes arrive (slow senders).
      raw = readLimited(in, "request body", PREALLOCATE_MAX, r);
    }
    String enc = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    return switch (enc) {
      case "", "identity" -> raw;
      case "gzip", "x-gzip" -> gunzip(raw, r);
      default ->
          throw new ApiException(
              415,
              "unsupported_media_type",
              "Content-Encoding must be gzip or absent, not '" + Sanitize.text(enc, 40) + "'");
    };
  }

  /** A body of a size Content-Length gave: one array, no copies. */
  private static byte[] readExactly(InputStream in, int length, Reading r) {
    r.reserve.accept(length);
    byte[] body = new byte[length];
    try {
      int n = 0;
      while (n < length) {
        int got = in.read(body, n, length - n);
        if (got < 0) {
          break;
        }
        n += got;
        r.checkDeadline();
      }
      if (n < length) {
        throw ApiException.badRequest(
            "request body ended early: " + n + " of " + length + " bytes");
      }
      if (in.read() != -1) {
        // Servlet containers stop at Content-Length; any other stream must too.
        throw ApiException.badRequest("request body is longer than Content-Length " + length);
      }
      return body;
    } catch (IOException e) {
      throw unreadable("request body", e);
    }
  }

  private byte[] gunzip(byte[] raw, Reading r) {
    try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
      return readLimited(gz, "decompressed body", sizeHint(raw), r);
    } catch (ZipException e) {
      throw ApiException.badRequest("body is not valid gzip: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("body is not valid gzip: " + e.getMessage());
    }
  }

  /**
   * A starting capacity for the decompressed body: the size gzip's trailer states (ISIZE, the last
   * 4 bytes, little-endian), believed only up to what deflate can expand to (about 1032:1) and up
   * to the limit. Only a hint: the limit is enforced while reading whatever the trailer says.
   */
  private static int sizeHint(byte[] raw) {
    int n = raw.length;
    if (n < 18) {
      return 8192;
    }
    long isize =
        (raw[n - 4] & 0xffL)
            | (raw[n - 3] & 0xffL) << 8
            | (raw[n - 2] & 0xffL) << 16
            | (raw[n - 1] & 0xffL) << 24;
    return (int) Math.max(1, Math.min(isize, Math.min(n * 1032L, MAX_ARRAY)));
  }

  /**
   * Reads to the end into an array of {@code capacity} bytes that doubles when full (never beyond
   * the limit + 1); copied once more at the end only when not exactly full.
   */
  private byte[] readLimited(InputStream in, String what, int capacity, Reading r) {
    int cap = (int) Math.min(maxBytes + 1, MAX_ARRAY);
    int first = Math.max(1, Math.min(capacity, cap));
    r.reserve.accept(first);
    byte[] buf = new byte[first];
    int total = 0;
    try {
      while (true) {
        if (total == buf.length) {
          // Full: look for the end before growing, so an exact capacity needs no second array.
          int b = in.read();
          if (b == -1) {
            return buf;
          }
          if (total + 1L > maxBytes || buf.length >= cap) {
            throw tooLarge(total + 1L);
          }
          int grown = (int) Math.min(buf.length * 2L, cap);
          r.reserve.accept(grown);
          buf = Arrays.copyOf(buf, grown);
          buf[total++] = (byte) b;
          continue;
        }
        int n = in.read(buf, total, buf.length - total);
        if (n == -1) {
          r.reserve.accept(total);
          return Arrays.copyOf(buf, total);
        }
        total += n;
        r.checkDeadline();
        if (total > maxBytes) {
          throw tooLarge(total);
        }
      }
    } catch (ZipException e) {
      throw ApiException.badRequest("body is not valid gzip: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw ApiException.badRequest(what + " ended early: " + e.getMessage());
    } catch (IOException e) {
      throw unreadable(what, e);
    }
  }

  /** A read that failed: 408 when the server's read timeout ended it, else 400. */
  private static ApiException unreadable(String what, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException
          || t instanceof java.net.SocketTimeoutException) {
        return new ApiException(
            408, "request_timeout", what + " did not arrive in time: " + e.getMessage());
      }
    }
    return ApiException.badRequest(what + " could not be read: " + e.getMessage());
  }

  /** The budget and deadline of one request's reading. */
  private static final class Reading {
    final LongConsumer reserve;
    final long deadlineNanos;

    Reading(LongConsumer reserve, long deadlineNanos) {
      this.reserve = reserve;
      this.deadlineNanos = deadlineNanos;
    }

    void checkDeadline() {
      if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
        throw new ApiException(
            408, "request_timeout", "request body did not arrive within ingest's body deadline");
      }
    }
  }

  private ApiException tooLarge(long size) {
    return new ApiException(
        413,
        "payload_too_large",
        "body of at least " + size + " bytes exceeds ingest.maxBodyBytes = " + maxBytes);
  }
}
