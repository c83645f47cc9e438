package io.poolscope.collector.internal.otlp;

import io.poolscope.collector.internal.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
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
    if (contentLength > maxBytes || contentLength > MAX_ARRAY) {
      throw tooLarge(contentLength);
    }
    byte[] raw;
    if (contentLength < 0) {
      raw = readLimited(in, "request body", 8192);
    } else if (contentLength <= PREALLOCATE_MAX) {
      raw = readExactly(in, (int) contentLength);
    } else {
      // Not trusted with a large array before the bytes arrive (slow senders).
      raw = readLimited(in, "request body", PREALLOCATE_MAX);
    }
    String enc = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    return switch (enc) {
      case "", "identity" -> raw;
      case "gzip", "x-gzip" -> gunzip(raw);
      default ->
          throw new ApiException(
              415,
              "unsupported_media_type",
              "Content-Encoding must be gzip or absent, not '" + Sanitize.text(enc, 40) + "'");
    };
  }

  /** A body of a size Content-Length gave: one array, no copies. */
  private static byte[] readExactly(InputStream in, int length) {
    byte[] body = new byte[length];
    try {
      int n = in.readNBytes(body, 0, length);
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
      throw ApiException.badRequest("request body could not be read: " + e.getMessage());
    }
  }

  private byte[] gunzip(byte[] raw) {
    try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
      return readLimited(gz, "decompressed body", sizeHint(raw));
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
  private byte[] readLimited(InputStream in, String what, int capacity) {
    int cap = (int) Math.min(maxBytes + 1, MAX_ARRAY);
    byte[] buf = new byte[Math.max(1, Math.min(capacity, cap))];
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
          buf = Arrays.copyOf(buf, (int) Math.min(buf.length * 2L, cap));
          buf[total++] = (byte) b;
          continue;
        }
        int n = in.read(buf, total, buf.length - total);
        if (n == -1) {
          return Arrays.copyOf(buf, total);
        }
        total += n;
        if (total > maxBytes) {
          throw tooLarge(total);
        }
      }
    } catch (ZipException e) {
      throw ApiException.badRequest("body is not valid gzip: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw ApiException.badRequest(what + " ended early: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest(what + " could not be read: " + e.getMessage());
    }
  }

  private ApiException tooLarge(long size) {
    return new ApiException(
        413,
        "payload_too_large",
        "body of at least " + size + " bytes exceeds ingest.maxBodyBytes = " + maxBytes);
  }
}
