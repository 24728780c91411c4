package dev.supertickets.space;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link SearchSpace}, version 1:
 *
 * <pre>
 * {
 *   "format": "supertickets.search-space", "version": 1, "name": "imagenet224",
 *   "input": {"channels": 3, "height": 224, "width": 224},
 *   "stem": [{"outChannels": 24, "kernelSize": 3, "stride": 2}, ...],
 *   "stages": [{"blocks": [1], "channels": [24]}, ...],          (or "chain": [{"outChannels", "blocks", "stride"}])
 *   "block": {"kernelSizes": [3, 5, 7], "expandRatio": 4.0, "activation": "relu"},
 *   "batchNorm": {"momentum": 0.01, "epsilon": 0.001},
 *   "head": {"type": "classification", "headChannels": [...], "lastChannel": 1600, "dropout": 0.2, "numClasses": 1000}
 *        or {"type": "dense", "lastChannel": 90, "numClasses": 19}
 * }
 * </pre>
 *
 * Reading is strict: every member is required, unknown members are refused, integers must be JSON
 * integers.
 */
final class SearchSpaceJson {
  static final String FORMAT = "supertickets.search-space";
  static final int VERSION = 1;

  private SearchSpaceJson() {}

  static Map<String, Object> toTree(SearchSpace s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", (long) VERSION);
    m.put("name", s.name());
    m.put(
        "input",
        obj(
            "channels",
            s.input().channels(),
            "height",
            s.input().height(),
            "width",
            s.input().width()));
    List<Object> stem = new ArrayList<>();
    for (StemLayer l : s.stem()) {
      stem.add(
          obj("outChannels", l.outChannels(), "kernelSize", l.kernelSize(), "stride", l.stride()));
    }
    m.put("stem", stem);
    if (s.isChain()) {
      List<Object> chain = new ArrayList<>();
      for (ChainStage c : s.chain()) {
        chain.add(obj("outChannels", c.outChannels(), "blocks", c.blocks(), "stride", c.stride()));
      }
      m.put("chain", chain);
    } else {
      List<Object> stages = new ArrayList<>();
      for (StageSpec st : s.stages()) {
        stages.add(obj("blocks", longs(st.blocks()), "channels", longs(st.channels())));
      }
      m.put("stages", stages);
    }
    BlockSpec b = s.block();
    m.put(
        "block",
        obj(
            "kernelSizes",
            longs(b.kernelSizes()),
            "expandRatio",
            b.expandRatio(),
            "activation",
            b.activation().jsonName()));
    m.put(
        "batchNorm", obj("momentum", s.batchNorm().momentum(), "epsilon", s.batchNorm().epsilon()));
    if (s.head() instanceof ClassificationHead h) {
      m.put(
          "head",
          obj(
              "type",
              "classification",
              "headChannels",
              longs(h.headChannels()),
              "lastChannel",
              h.lastChannel(),
              "dropout",
              h.dropout(),
              "numClasses",
              h.numClasses()));
    } else {
      DenseHead h = (DenseHead) s.head();
      m.put(
          "head",
          obj("type", "dense", "lastChannel", h.lastChannel(), "numClasses", h.numClasses()));
    }
    return m;
  }

  static SearchSpace fromTree(Object tree) {
    Reader root = Reader.object(tree, "$");
    if (root.has("chain") && root.has("stages")) {
      throw new IllegalArgumentException(
          "search space JSON: $ has both \"stages\" and \"chain\"; a space has "
              + "multi-branch stages or a chain, keep one");
    }
    String body = root.has("chain") ? "chain" : "stages";
    root.keys(
        Set.of("format", "version", "name", "input", "stem", body, "block", "batchNorm", "head"));
    String format = root.string("format");
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException(
          "search space JSON: $.format must be \""
              + FORMAT
              + "\", got \""
              + format
              + "\"; is this a search space file?");
    }
    int version = root.integer("version");
    if (version < 1 || version > VERSION) {
      throw new IllegalArgumentException(
          "unsupported search space format version "
              + version
              + "; this library reads version 1 to "
              + VERSION);
    }
    try {
      SearchSpace.Builder b = SearchSpace.builder().name(root.string("name"));
      Reader in = root.child("input");
      in.keys(Set.of("channels", "height", "width"));
      b.input(in.integer("channels"), in.integer("height"), in.integer("width"));
      List<Reader> stem = root.objects("stem");
      for (Reader l : stem) {
        l.keys(Set.of("outChannels", "kernelSize", "stride"));
        b.stemLayer(l.integer("outChannels"), l.integer("kernelSize"), l.integer("stride"));
      }
      if (body.equals("chain")) {
        for (Reader c : root.objects("chain")) {
          c.keys(Set.of("outChannels", "blocks", "stride"));
          b.chainStage(c.integer("outChannels"), c.integer("blocks"), c.integer("stride"));
        }
      } else {
        for (Reader st : root.objects("stages")) {
          st.keys(Set.of("blocks", "channels"));
          b.stage(st.integers("blocks"), st.integers("channels"));
        }
      }
      Reader blk = root.child("block");
      blk.keys(Set.of("kernelSizes", "expandRatio", "activation"));
      b.block(
          BlockSpec.of(
              blk.integers("kernelSizes"),
              blk.number("expandRatio"),
              ActivationKind.fromJsonName(blk.string("activation"))));
      Reader bn = root.child("batchNorm");
      bn.keys(Set.of("momentum", "epsilon"));
      b.batchNorm(bn.number("momentum"), bn.number("epsilon"));
      Reader h = root.child("head");
      String type = h.string("type");
      if (type.equals("classification")) {
        h.keys(Set.of("type", "headChannels", "lastChannel", "dropout", "numClasses"));
        b.classificationHead(
            h.integers("headChannels"),
            h.integer("lastChannel"),
            h.number("dropout"),
            h.integer("numClasses"));
      } else if (type.equals("dense")) {
        h.keys(Set.of("type", "lastChannel", "numClasses"));
        b.denseHead(h.integer("lastChannel"), h.integer("numClasses"));
      } else {
        throw new IllegalArgumentException(
            "search space JSON: $.head.type must be \"classification\" or \"dense\", "
                + "got \""
                + type
                + "\"");
      }
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "search space JSON describes an incomplete space: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("search space JSON")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "search space JSON describes an invalid space: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof Integer n ? Long.valueOf(n) : v);
    }
    return m;
  }

  private static List<Object> longs(List<Integer> values) {
    List<Object> out = new ArrayList<>();
    for (int v : values) {
      out.add((long) v);
    }
    return out;
  }

  /** Typed, strict access to one JSON object, with its path for messages. */
  private static final class Reader {
    private final Map<?, ?> map;
    private final String path;

    private Reader(Map<?, ?> map, String path) {
      this.map = map;
      this.path = path;
    }

    static Reader object(Object value, String path) {
      if (!(value instanceof Map<?, ?> m)) {
        throw fail(path, "an object", value);
      }
      return new Reader(m, path);
    }

    boolean has(String key) {
      return map.containsKey(key);
    }

    void keys(Set<String> allowed) {
      for (Object k : map.keySet()) {
        if (!allowed.contains(k)) {
          throw new IllegalArgumentException(
              "search space JSON: "
                  + path
                  + " has the unknown member \""
                  + k
                  + "\"; the members are "
                  + new java.util.TreeSet<>(allowed));
        }
      }
    }

    private Object get(String key) {
      if (!map.containsKey(key)) {
        throw new IllegalArgumentException(
            "search space JSON: " + path + " lacks the member \"" + key + "\"");
      }
      return map.get(key);
    }

    Reader child(String key) {
      return object(get(key), path + "." + key);
    }

    List<Reader> objects(String key) {
      List<?> list = list(key);
      List<Reader> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(object(list.get(i), path + "." + key + "[" + i + "]"));
      }
      return out;
    }

    private List<?> list(String key) {
      Object v = get(key);
      if (!(v instanceof List<?> l)) {
        throw fail(path + "." + key, "an array", v);
      }
      return l;
    }

    String string(String key) {
      Object v = get(key);
      if (!(v instanceof String s)) {
        throw fail(path + "." + key, "a string", v);
      }
      return s;
    }

    int integer(String key) {
      return toInt(get(key), path + "." + key);
    }

    List<Integer> integers(String key) {
      List<?> list = list(key);
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(toInt(list.get(i), path + "." + key + "[" + i + "]"));
      }
      return out;
    }

    double number(String key) {
      Object v = get(key);
      if (v instanceof Double d) {
        return d;
      } else if (v instanceof Long l) {
        return l;
      }
      throw fail(path + "." + key, "a number", v);
    }

    private static int toInt(Object v, String where) {
      if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
        return (int) (long) l;
      }
      throw fail(where, "an integer in the int range", v);
    }

    private static IllegalArgumentException fail(String where, String expected, Object found) {
      String what =
          found == null
              ? "null"
              : found instanceof String s
                  ? "the string \"" + s + "\""
                  : found instanceof Map
                      ? "an object"
                      : found instanceof List ? "an array" : found.toString();
      return new IllegalArgumentException(
          "search space JSON: " + where + " must be " + expected + ", got " + what);
    }
  }
}
