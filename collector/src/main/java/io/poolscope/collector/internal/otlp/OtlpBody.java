package io.poolscope.collector.internal.otlp;

import io.poolscope.collector.internal.api.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

  /** Reads the body; 413 when it exceeds the limit, 400/415 for broken or unknown encodings. */
  public byte[] read(InputStream in, String contentEncoding, long contentLength) {
    if (contentLength > maxBytes) {
      throw tooLarge(contentLength);
    }
    byte[] raw = readLimited(in, "request body");
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

  private byte[] gunzip(byte[] raw) {
    try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
      return readLimited(gz, "decompressed body");
    } catch (ZipException e) {
      throw ApiException.badRequest("body is not valid gzip: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("body is not valid gzip: " + e.getMessage());
    }
  }

  private byte[] readLimited(InputStream in, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[8192];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buf)) != -1) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(total);
        }
        out.write(buf, 0, n);
      }
    } catch (ZipException e) {
      throw ApiException.badRequest("body is not valid gzip: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw ApiException.badRequest(what + " ended early: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest(what + " could not be read: " + e.getMessage());
    }
    return out.toByteArray();
  }

  private ApiException tooLarge(long size) {
    return new ApiException(
        413,
        "payload_too_large",
        "body of at least " + size + " bytes exceeds ingest.maxBodyBytes = " + maxBytes);
  }
}
