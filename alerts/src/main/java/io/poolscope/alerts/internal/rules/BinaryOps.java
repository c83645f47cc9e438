package io.poolscope.alerts.internal.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** PromQL binary operator semantics for the subset Poolscope supports. */
final class BinaryOps {
  private BinaryOps() {}

  static boolean isComparison(String op) {
    return switch (op) {
      case ">", ">=", "<", "<=", "==", "!=" -> true;
      default -> false;
    };
  }

  static Value apply(String op, Value l, Value r) {
    boolean cmp = isComparison(op);
    if (l.isScalar() && r.isScalar()) {
      // The parser rejects scalar comparisons (PromQL needs 'bool' there), so this is arithmetic.
      return Value.scalar(arith(op, l.scalarValue(), r.scalarValue()));
    }
    List<Value.Element> out = new ArrayList<>();
    if (r.isScalar() || l.isScalar()) {
      boolean scalarLeft = l.isScalar();
      double s = scalarLeft ? l.scalarValue() : r.scalarValue();
      for (Value.Element e : (scalarLeft ? r : l).elements()) {
        double a = scalarLeft ? s : e.value();
        double b = scalarLeft ? e.value() : s;
        if (cmp) {
          // A comparison filters the vector and keeps the vector's own value, on either side.
          if (compare(op, a, b)) {
            out.add(e);
          }
        } else {
          out.add(e.withValue(arith(op, a, b)));
        }
      }
      return Value.vector(out);
    }
    // Vector with vector: one-to-one on identical label sets (names ignored).
    Map<Map<String, String>, Value.Element> right = new HashMap<>();
    for (Value.Element e : r.elements()) {
      right.put(e.labels(), e);
    }
    for (Value.Element e : l.elements()) {
      Value.Element o = right.get(e.labels());
      if (o == null) {
        continue;
      }
      if (cmp) {
        if (compare(op, e.value(), o.value())) {
          out.add(e);
        }
      } else {
        out.add(e.withValue(arith(op, e.value(), o.value())));
      }
    }
    return Value.vector(out);
  }

  private static boolean compare(String op, double a, double b) {
    return switch (op) {
      case ">" -> a > b;
      case ">=" -> a >= b;
      case "<" -> a < b;
      case "<=" -> a <= b;
      case "==" -> a == b;
      default -> a != b;
    };
  }

  private static double arith(String op, double a, double b) {
    return switch (op) {
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      default -> a / b;
    };
  }
}
