package dev.supertickets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

/** Round trips of random trees and fuzzing of the parser. */
class JsonProperties {
  @Property(tries = 500)
  void compactAndPrettyTextReadBackToAnEqualTree(@ForAll("trees") Object tree) {
    String compact = Json.write(tree);
    assertThat(Json.parse(compact)).isEqualTo(tree);
    assertThat(Json.parse(Json.writePretty(tree))).isEqualTo(tree);
    // key order survives too: writing the parsed tree gives the same text
    assertThat(Json.write(Json.parse(compact))).isEqualTo(compact);
    assertThat(Json.writePretty(Json.parse(compact))).isEqualTo(Json.writePretty(tree));
  }

  @Property(tries = 2000)
  void everyFiniteDoubleRoundTripsBitForBit(@ForAll("finiteDoubles") double d) {
    Object back = Json.parse(Json.write(d));
    assertThat(back).isInstanceOf(Double.class);
    assertThat(Double.doubleToRawLongBits((Double) back)).isEqualTo(Double.doubleToRawLongBits(d));
  }

  @Property(tries = 1000)
  void everyLongRoundTrips(@ForAll long n) {
    assertThat(Json.parse(Json.write(n))).isEqualTo(n);
  }

  @Property(tries = 1000)
  void everyStringRoundTrips(@ForAll("anyStrings") String s) {
    String text = Json.write(s);
    assertThat(Json.parse(text)).isEqualTo(s);
    assertThat(text.chars().filter(c -> c < 0x20)).isEmpty();
  }

  @Property(tries = 1000)
  void arbitraryTextParsesOrFailsWithAPosition(@ForAll("jsonishText") String text) {
    Throwable t = catchThrowable(() -> Json.parse(text));
    if (t != null) {
      assertThat(t).isInstanceOf(JsonParseException.class);
      JsonParseException e = (JsonParseException) t;
      assertThat(e.offset()).isBetween(0, text.length());
      assertThat(e.line()).isPositive();
      assertThat(e.column()).isPositive();
    }
  }

  @Property(tries = 500)
  void everyStrictPrefixOfAContainerIsRefused(
      @ForAll("containers") Object tree,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double keep) {
    String text = Json.write(tree);
    String prefix = text.substring(0, (int) (keep * text.length()));
    assertThat(catchThrowable(() -> Json.parse(prefix))).isInstanceOf(JsonParseException.class);
  }

  @Property(tries = 500)
  void singleCharacterChangesParseOrFailCleanly(
      @ForAll("containers") Object tree,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
      @ForAll("jsonChars") char c) {
    String text = Json.writePretty(tree);
    int at = (int) (where * text.length());
    String changed = text.substring(0, at) + c + text.substring(at + 1);
    Throwable t = catchThrowable(() -> Json.parse(changed));
    assertThat(t == null || t instanceof JsonParseException).as("%s", t).isTrue();
  }

  @Provide
  Arbitrary<Object> trees() {
    return tree(4);
  }

  @Provide
  Arbitrary<Object> containers() {
    return Arbitraries.oneOf(list(3), map(3));
  }

  @Provide
  Arbitrary<Double> finiteDoubles() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
        Arbitraries.doubles(),
        Arbitraries.of(
            0.0,
            -0.0,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.MIN_NORMAL,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            0.1,
            1e-5,
            4.0,
            1e22,
            1e23,
            9007199254740993.0));
  }

  @Provide
  Arbitrary<String> anyStrings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(20),
        Arbitraries.strings()
            .withChars("\"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028\ud800\udc00é😀a")
            .ofMaxLength(20));
  }

  @Provide
  Arbitrary<String> jsonishText() {
    return Arbitraries.strings()
        .withChars("{}[]:,\"\\ \n\t-+.0123456789eEtrufalsn/x")
        .ofMaxLength(30);
  }

  @Provide
  Arbitrary<Character> jsonChars() {
    return Arbitraries.chars().with("{}[]:,\"\\ -+.0123456789eEtrufalsn\u0001x");
  }

  private Arbitrary<Object> tree(int depth) {
    if (depth == 0) {
      return leaves();
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, leaves()),
        net.jqwik.api.Tuple.of(1, list(depth - 1)),
        net.jqwik.api.Tuple.of(1, map(depth - 1)));
  }

  private Arbitrary<Object> list(int depth) {
    return Arbitraries.lazy(() -> tree(depth))
        .list()
        .ofMaxSize(4)
        .map(l -> (Object) new ArrayList<>(l));
  }

  private Arbitrary<Object> map(int depth) {
    Arbitrary<List<String>> keys = anyStrings().list().uniqueElements().ofMaxSize(4);
    Arbitrary<List<Object>> values = Arbitraries.lazy(() -> tree(depth)).list().ofSize(4);
    return Combinators.combine(keys, values)
        .as(
            (ks, vs) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              for (int i = 0; i < ks.size(); i++) {
                m.put(ks.get(i), vs.get(i));
              }
              return (Object) m;
            });
  }

  private Arbitrary<Object> leaves() {
    return Arbitraries.oneOf(
            anyStrings().map(s -> (Object) s),
            Arbitraries.longs().map(n -> (Object) n),
            finiteDoubles().map(d -> (Object) d),
            Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b))
        .injectNull(0.1);
  }
}
