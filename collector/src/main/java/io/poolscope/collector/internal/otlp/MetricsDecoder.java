package io.poolscope.collector.internal.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a protobuf {@code ExportMetricsServiceRequest} straight from its bytes into the few fields
 * the collector uses, with protobuf-java's public {@link CodedInputStream}. The generated parser
 * builds a builder and a message for every attribute and value (a third of the collector's
 * allocation at 10,000 pods, BENCHMARKS.md); this reads each attribute into a string map entry and
 * skips whole metrics the collector does not read without decoding them.
 *
 * <p>It reads what the generated parser reads: fields in any order, packed or unpacked repeated
 * numbers, a message field given twice merged, the last member of a oneof winning, a field with an
 * unexpected wire type skipped as unknown. Malformed bytes (truncated, bad tags or lengths, bad
 * UTF-8 in a string it reads) throw {@link InvalidProtocolBufferException}. Field numbers are the
 * generated classes' own constants.
 */
final class MetricsDecoder {
  /** One resource (one JVM): its attributes as text, and its metrics that were asked for. */
  record ResourceData(Map<String, String> attributes, List<MetricData> metrics) {}

  /** Which of a metric's data fields was set last. */
  enum Kind {
    NONE,
    GAUGE,
    SUM,
    HISTOGRAM,
    EXPONENTIAL_HISTOGRAM,
    SUMMARY
  }

  /**
   * A metric: number points for gauges and sums, histogram points for histograms; {@code points}
   * counts the data points of any kind (the exponential histograms' are counted, not read).
   */
  record MetricData(
      String name,
      Kind kind,
      boolean delta,
      List<NumberPoint> numbers,
      List<HistogramPoint> histograms,
      int points) {}

  /** A number point; {@code hasValue} false when neither {@code as_int} nor {@code as_double}. */
  record NumberPoint(
      Map<String, String> attributes, long startNanos, boolean hasValue, double value) {}

  /** An explicit-bucket histogram point. */
  record HistogramPoint(
      Map<String, String> attributes,
      long startNanos,
      long count,
      boolean hasSum,
      double sum,
      double[] bounds,
      long[] counts) {}

  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;

  private final byte[] buf;
  private final Predicate<String> wanted;

  private MetricsDecoder(byte[] buf, Predicate<String> wanted) {
    this.buf = buf;
    this.wanted = wanted;
  }

  /** The resources of {@code body}, with the metrics whose name {@code wanted} accepts. */
  static List<ResourceData> decode(byte[] body, Predicate<String> wanted)
      throws InvalidProtocolBufferException {
    MetricsDecoder d = new MetricsDecoder(body, wanted);
    CodedInputStream in = CodedInputStream.newInstance(body);
    List<ResourceData> out = new ArrayList<>();
    int want = tag(ExportMetricsServiceRequest.RESOURCE_METRICS_FIELD_NUMBER, LEN);
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == want) {
          int limit = in.pushLimit(in.readRawVarint32());
          out.add(d.resourceMetrics(in));
          in.popLimit(limit);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
    return out;
  }

  /**
   * One {@code resource_metrics} of a request: its resource's attributes and where its bytes are.
   */
  record ResourceSlice(Map<String, String> attributes, int offset, int length) {}

  /** The resources of {@code body} as slices of it, their metrics not decoded. */
  static List<ResourceSlice> slices(byte[] body) throws InvalidProtocolBufferException {
    MetricsDecoder d = new MetricsDecoder(body, name -> false);
    CodedInputStream in = CodedInputStream.newInstance(body);
    List<ResourceSlice> out = new ArrayList<>();
    int want = tag(ExportMetricsServiceRequest.RESOURCE_METRICS_FIELD_NUMBER, LEN);
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == want) {
          int len = in.readRawVarint32();
          int offset = in.getTotalBytesRead();
          int limit = in.pushLimit(len);
          out.add(new ResourceSlice(d.resourceMetrics(in).attributes(), offset, len));
          in.popLimit(limit);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
    return out;
  }

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  private ResourceData resourceMetrics(CodedInputStream in) throws java.io.IOException {
    Map<String, String> attrs = new HashMap<>();
    List<MetricData> metrics = new ArrayList<>();
    int resource = tag(ResourceMetrics.RESOURCE_FIELD_NUMBER, LEN);
    int scope = tag(ResourceMetrics.SCOPE_METRICS_FIELD_NUMBER, LEN);
    int resourceAttr = tag(Resource.ATTRIBUTES_FIELD_NUMBER, LEN);
    int scopeMetric = tag(ScopeMetrics.METRICS_FIELD_NUMBER, LEN);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == resource) {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t == resourceAttr) {
            keyValue(in, attrs);
          } else if (!in.skipField(t)) {
            break;
          }
        }
        in.popLimit(limit);
      } else if (tag == scope) {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t == scopeMetric) {
            int l = in.pushLimit(in.readRawVarint32());
            MetricData m = metric(in);
            if (m != null) {
              metrics.add(m);
            }
            in.popLimit(l);
          } else if (!in.skipField(t)) {
            break;
          }
        }
        in.popLimit(limit);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new ResourceData(attrs, metrics);
  }

  /** A metric, or null when its name is not wanted (its data is then never decoded). */
  private MetricData metric(CodedInputStream in) throws java.io.IOException {
    String name = "";
    Kind kind = Kind.NONE;
    // Where the last data member's bytes are; a member given twice is merged, so all its parts.
    List<int[]> parts = new ArrayList<>(1);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      Kind k =
          WireFormat.getTagWireType(tag) != LEN
              ? Kind.NONE
              : switch (field) {
                case Metric.GAUGE_FIELD_NUMBER -> Kind.GAUGE;
                case Metric.SUM_FIELD_NUMBER -> Kind.SUM;
                case Metric.HISTOGRAM_FIELD_NUMBER -> Kind.HISTOGRAM;
                case Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER -> Kind.EXPONENTIAL_HISTOGRAM;
                case Metric.SUMMARY_FIELD_NUMBER -> Kind.SUMMARY;
                default -> Kind.NONE;
              };
      if (tag == tag(Metric.NAME_FIELD_NUMBER, LEN)) {
        name = in.readStringRequireUtf8();
      } else if (k != Kind.NONE) {
        if (k != kind) {
          parts.clear();
          kind = k;
        }
        int len = in.readRawVarint32();
        parts.add(new int[] {in.getTotalBytesRead(), len});
        in.skipRawBytes(len);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    if (!wanted.test(name)) {
      return null;
    }
    boolean delta = false;
    List<NumberPoint> numbers = List.of();
    List<HistogramPoint> histograms = List.of();
    int points = 0;
    int dataPoint = tag(Gauge.DATA_POINTS_FIELD_NUMBER, LEN);
    // Sum, Histogram and ExponentialHistogram all number aggregation_temporality 2.
    int temporality =
        tag(io.opentelemetry.proto.metrics.v1.Sum.AGGREGATION_TEMPORALITY_FIELD_NUMBER, VARINT);
    for (int[] part : parts) {
      CodedInputStream d = CodedInputStream.newInstance(buf, part[0], part[1]);
      for (int tag = d.readTag(); tag != 0; tag = d.readTag()) {
        if (tag == dataPoint) {
          points++;
          int limit = d.pushLimit(d.readRawVarint32());
          if (kind == Kind.GAUGE || kind == Kind.SUM) {
            if (numbers.isEmpty()) {
              numbers = new ArrayList<>();
            }
            numbers.add(numberPoint(d));
          } else if (kind == Kind.HISTOGRAM) {
            if (histograms.isEmpty()) {
              histograms = new ArrayList<>();
            }
            histograms.add(histogramPoint(d));
          } else {
            d.skipRawBytes(d.getBytesUntilLimit());
          }
          d.popLimit(limit);
        } else if (tag == temporality && kind != Kind.GAUGE && kind != Kind.SUMMARY) {
          delta = d.readEnum() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA_VALUE;
        } else if (!d.skipField(tag)) {
          break;
        }
      }
    }
    return new MetricData(name, kind, delta, numbers, histograms, points);
  }

  private NumberPoint numberPoint(CodedInputStream in) throws java.io.IOException {
    Map<String, String> attrs = new HashMap<>();
    long start = 0;
    boolean hasValue = false;
    double value = 0;
    int attr = tag(NumberDataPoint.ATTRIBUTES_FIELD_NUMBER, LEN);
    int startTag = tag(NumberDataPoint.START_TIME_UNIX_NANO_FIELD_NUMBER, FIXED64);
    int asDouble = tag(NumberDataPoint.AS_DOUBLE_FIELD_NUMBER, FIXED64);
    int asInt = tag(NumberDataPoint.AS_INT_FIELD_NUMBER, FIXED64);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == attr) {
        keyValue(in, attrs);
      } else if (tag == startTag) {
        start = in.readFixed64();
      } else if (tag == asDouble) {
        value = in.readDouble();
        hasValue = true;
      } else if (tag == asInt) {
        value = in.readSFixed64();
        hasValue = true;
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new NumberPoint(attrs, start, hasValue, value);
  }

  private HistogramPoint histogramPoint(CodedInputStream in) throws java.io.IOException {
    Map<String, String> attrs = new HashMap<>();
    long start = 0;
    long count = 0;
    boolean hasSum = false;
    double sum = 0;
    Fixed64s bounds = new Fixed64s();
    Fixed64s counts = new Fixed64s();
    int attr = tag(HistogramDataPoint.ATTRIBUTES_FIELD_NUMBER, LEN);
    int startTag = tag(HistogramDataPoint.START_TIME_UNIX_NANO_FIELD_NUMBER, FIXED64);
    int countTag = tag(HistogramDataPoint.COUNT_FIELD_NUMBER, FIXED64);
    int sumTag = tag(HistogramDataPoint.SUM_FIELD_NUMBER, FIXED64);
    int countsField = HistogramDataPoint.BUCKET_COUNTS_FIELD_NUMBER;
    int boundsField = HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      if (tag == attr) {
        keyValue(in, attrs);
      } else if (tag == startTag) {
        start = in.readFixed64();
      } else if (tag == countTag) {
        count = in.readFixed64();
      } else if (tag == sumTag) {
        sum = in.readDouble();
        hasSum = true;
      } else if ((field == countsField || field == boundsField)
          && (wire == LEN || wire == FIXED64)) {
        Fixed64s into = field == countsField ? counts : bounds;
        if (wire == FIXED64) {
          into.add(in.readFixed64());
        } else {
          int len = in.readRawVarint32();
          if (len % 8 != 0) {
            throw new InvalidProtocolBufferException("packed fixed64 field of " + len + " bytes");
          }
          int limit = in.pushLimit(len);
          while (in.getBytesUntilLimit() > 0) {
            into.add(in.readFixed64());
          }
          in.popLimit(limit);
        }
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    double[] b = new double[bounds.size];
    for (int i = 0; i < b.length; i++) {
      b[i] = Double.longBitsToDouble(bounds.values[i]);
    }
    return new HistogramPoint(attrs, start, count, hasSum, sum, b, counts.toArray());
  }

  /** Reads one KeyValue into {@code into}: later keys win, values without text are left out. */
  private static void keyValue(CodedInputStream in, Map<String, String> into)
      throws java.io.IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String key = "";
    String value = null;
    int keyTag = tag(KeyValue.KEY_FIELD_NUMBER, LEN);
    int valueTag = tag(KeyValue.VALUE_FIELD_NUMBER, LEN);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == keyTag) {
        key = in.readStringRequireUtf8();
      } else if (tag == valueTag) {
        int l = in.pushLimit(in.readRawVarint32());
        value = anyValue(in, 0);
        in.popLimit(l);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.popLimit(limit);
    if (value != null) {
      into.put(key, value);
    }
  }

  /** Deepest nesting of array values read; deeper is refused, as the generated parser does. */
  static final int MAX_DEPTH = 32;

  /** An AnyValue as {@link Attributes#text} reads one. */
  private static String anyValue(CodedInputStream in, int depth) throws java.io.IOException {
    if (depth > MAX_DEPTH) {
      throw new InvalidProtocolBufferException(
          "attribute values nested more than " + MAX_DEPTH + " deep");
    }
    String text = null;
    StringBuilder array = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      if (field == AnyValue.STRING_VALUE_FIELD_NUMBER && wire == LEN) {
        text = Attributes.safe(in.readStringRequireUtf8());
        array = null;
      } else if (field == AnyValue.BOOL_VALUE_FIELD_NUMBER && wire == VARINT) {
        text = Boolean.toString(in.readBool());
        array = null;
      } else if (field == AnyValue.INT_VALUE_FIELD_NUMBER && wire == VARINT) {
        text = Long.toString(in.readInt64());
        array = null;
      } else if (field == AnyValue.DOUBLE_VALUE_FIELD_NUMBER && wire == FIXED64) {
        text = Double.toString(in.readDouble());
        array = null;
      } else if (field == AnyValue.ARRAY_VALUE_FIELD_NUMBER && wire == LEN) {
        // Stack traces sometimes arrive as an array of frames, one per line. A second array
        // member merges into the first, as protobuf merges a message field given twice.
        if (array == null) {
          array = new StringBuilder();
        }
        int limit = in.pushLimit(in.readRawVarint32());
        int valueTag = tag(ArrayValue.VALUES_FIELD_NUMBER, LEN);
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t == valueTag) {
            int l = in.pushLimit(in.readRawVarint32());
            String element = anyValue(in, depth + 1);
            in.popLimit(l);
            if (array.length() > 0) {
              array.append('\n');
            }
            array.append(element);
          } else if (!in.skipField(t)) {
            break;
          }
        }
        in.popLimit(limit);
        text = array.toString();
      } else if ((field == AnyValue.KVLIST_VALUE_FIELD_NUMBER
              || field == AnyValue.BYTES_VALUE_FIELD_NUMBER)
          && wire == LEN) {
        in.skipField(tag);
        text = null;
        array = null;
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return text;
  }

  /** A growable array of 64-bit words (bucket counts, or bounds' bits). */
  private static final class Fixed64s {
    long[] values = new long[16];
    int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
