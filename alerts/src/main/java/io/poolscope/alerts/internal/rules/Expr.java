package io.poolscope.alerts.internal.rules;

import io.poolscope.alerts.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed rule expression: a small subset of PromQL (selectors, {@code increase}/{@code rate} over
 * range selectors, {@code sum}/{@code max}/{@code min}/{@code count} aggregations, arithmetic and
 * comparison with one-to-one matching on identical label sets). Being a subset is deliberate: every
 * Poolscope expression is also valid PromQL over the collector's {@code /metrics}.
 */
public sealed interface Expr
    permits Expr.Number,
        Expr.Selector,
        Expr.RangeFunction,
        Expr.Negate,
        Expr.Binary,
        Expr.Aggregate {

  /** Evaluates at the context's time. */
  Value eval(EvalContext ctx);

  /** Largest range any range selector in this expression reads, in ms (0 for none). */
  long maxRangeMillis();

  /** Adds the names read through range selectors, whose history must be retained. */
  void rangeNames(Set<String> into);

  /** Adds every series name this expression reads, through instant or range selectors. */
  void names(Set<String> into);

  /** A number literal: a scalar. */
  record Number(double value, String text) implements Expr {
    @Override
    public Value eval(EvalContext ctx) {
      return Value.scalar(value);
    }

    @Override
    public long maxRangeMillis() {
      return 0;
    }

    @Override
    public void rangeNames(Set<String> into) {}

    @Override
    public void names(Set<String> into) {}

    @Override
    public String toString() {
      return text;
    }
  }

  /** An instant vector selector: {@code name{label="v",other=~"re"}}. */
  record Selector(String name, List<Matcher> matchers) implements Expr {
    @Override
    public Value eval(EvalContext ctx) {
      List<Value.Element> out = new ArrayList<>();
      for (Sample s : ctx.instant(name)) {
        if (Matcher.all(matchers, s.labels())) {
          out.add(new Value.Element(name, s.labels(), s.value()));
        }
      }
      return Value.vector(out);
    }

    @Override
    public long maxRangeMillis() {
      return 0;
    }

    @Override
    public void rangeNames(Set<String> into) {}

    @Override
    public void names(Set<String> into) {
      into.add(name);
    }

    @Override
    public String toString() {
      return matchers.isEmpty() ? name : name + Matcher.format(matchers);
    }
  }

  /** Unary minus. */
  record Negate(Expr operand) implements Expr {
    @Override
    public Value eval(EvalContext ctx) {
      return operand.eval(ctx).map(v -> -v, true);
    }

    @Override
    public long maxRangeMillis() {
      return operand.maxRangeMillis();
    }

    @Override
    public void rangeNames(Set<String> into) {
      operand.rangeNames(into);
    }

    @Override
    public void names(Set<String> into) {
      operand.names(into);
    }

    @Override
    public String toString() {
      return "-" + operand;
    }
  }

  /** {@code increase(sel[range])} or {@code rate(sel[range])} over retained samples. */
  record RangeFunction(String function, Selector selector, long rangeMillis, String rangeText)
      implements Expr {
    @Override
    public Value eval(EvalContext ctx) {
      List<Value.Element> out = new ArrayList<>();
      long from = ctx.nowMillis() - rangeMillis;
      for (EvalContext.Series series : ctx.range(selector.name())) {
        if (!Matcher.all(selector.matchers(), series.labels())) {
          continue;
        }
        double increase = Counters.increase(series, from, ctx.nowMillis());
        if (Double.isNaN(increase)) {
          continue; // fewer than two points in the window: no result, as in Prometheus
        }
        double v = function.equals("rate") ? increase / (rangeMillis / 1000.0) : increase;
        out.add(new Value.Element(null, series.labels(), v));
      }
      return Value.vector(out);
    }

    @Override
    public long maxRangeMillis() {
      return rangeMillis;
    }

    @Override
    public void rangeNames(Set<String> into) {
      into.add(selector.name());
    }

    @Override
    public void names(Set<String> into) {
      into.add(selector.name());
    }

    @Override
    public String toString() {
      return function + "(" + selector + "[" + rangeText + "])";
    }
  }

  /** Arithmetic or comparison; comparisons filter, keeping the left-hand value. */
  record Binary(String op, Expr left, Expr right) implements Expr {
    @Override
    public Value eval(EvalContext ctx) {
      return BinaryOps.apply(op, left.eval(ctx), right.eval(ctx));
    }

    @Override
    public long maxRangeMillis() {
      return Math.max(left.maxRangeMillis(), right.maxRangeMillis());
    }

    @Override
    public void rangeNames(Set<String> into) {
      left.rangeNames(into);
      right.rangeNames(into);
    }

    @Override
    public void names(Set<String> into) {
      left.names(into);
      right.names(into);
    }

    @Override
    public String toString() {
      return paren(left) + " " + op + " " + paren(right);
    }

    private static String paren(Expr e) {
      return e instanceof Binary ? "(" + e + ")" : e.toString();
    }
  }

  /**
   * {@code sum}, {@code max}, {@code min} or {@code count} over an instant vector, with PromQL's
   * grouping.
   *
   * @param op the aggregation
   * @param without whether {@code grouping} lists the labels to drop rather than to keep
   * @param grouping the {@code by (...)} or {@code without (...)} labels; empty without a clause
   *     and {@code without} false: everything is one group
   * @param operand what is aggregated
   */
  record Aggregate(String op, boolean without, List<String> grouping, Expr operand)
      implements Expr {
    @Override
    public Value eval(EvalContext ctx) {
      return Aggregations.apply(this, operand.eval(ctx));
    }

    @Override
    public long maxRangeMillis() {
      return operand.maxRangeMillis();
    }

    @Override
    public void rangeNames(Set<String> into) {
      operand.rangeNames(into);
    }

    @Override
    public void names(Set<String> into) {
      operand.names(into);
    }

    @Override
    public String toString() {
      String clause =
          without || !grouping.isEmpty()
              ? (without ? " without (" : " by (") + String.join(", ", grouping) + ") "
              : "";
      return op + clause + "(" + operand + ")";
    }
  }
}
