package io.poolscope.alerts.internal.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/** The result of evaluating an expression: a scalar or an instant vector. */
public final class Value {
  /**
   * One element of an instant vector.
   *
   * @param name the series name, or {@code null} once arithmetic has dropped it (as PromQL does)
   * @param labels labels without the name
   * @param value the value
   * @param from label sets of the input series this element was computed from: itself for a
   *     selected series, every member of the group for an aggregation. Tells a notification how
   *     many pods and pools an aggregated alert covers.
   */
  public record Element(
      String name, Map<String, String> labels, double value, List<Map<String, String>> from) {

    /** A series read from the input: it comes from itself. */
    public Element(String name, Map<String, String> labels, double value) {
      this(name, labels, value, List.of(labels));
    }

    /** The same element with another value and no series name (arithmetic drops it). */
    Element withValue(double v) {
      return new Element(null, labels, v, from);
    }
  }

  private final boolean scalar;
  private final double scalarValue;
  private final List<Element> elements;

  private Value(boolean scalar, double scalarValue, List<Element> elements) {
    this.scalar = scalar;
    this.scalarValue = scalarValue;
    this.elements = elements;
  }

  /** A scalar. */
  public static Value scalar(double v) {
    return new Value(true, v, List.of());
  }

  /** An instant vector. */
  public static Value vector(List<Element> elements) {
    return new Value(false, Double.NaN, elements);
  }

  /** Whether this is a scalar. */
  public boolean isScalar() {
    return scalar;
  }

  /** The scalar value (NaN for a vector). */
  public double scalarValue() {
    return scalarValue;
  }

  /** The vector's elements (empty for a scalar). */
  public List<Element> elements() {
    return elements;
  }

  /** Applies {@code f} to every value; arithmetic drops series names. */
  Value map(DoubleUnaryOperator f, boolean dropName) {
    if (scalar) {
      return scalar(f.applyAsDouble(scalarValue));
    }
    List<Element> out = new ArrayList<>(elements.size());
    for (Element e : elements) {
      out.add(
          new Element(
              dropName ? null : e.name(), e.labels(), f.applyAsDouble(e.value()), e.from()));
    }
    return vector(out);
  }
}
