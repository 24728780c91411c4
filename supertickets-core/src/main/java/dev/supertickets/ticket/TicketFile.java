package dev.supertickets.ticket;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Normalization;
import dev.supertickets.io.Archive;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.io.Json;
import dev.supertickets.io.Npy;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.supernet.Architecture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ticket file, format version {@value #VERSION}: an {@link Archive} of kind {@value #KIND} (a
 * ZIP that NumPy opens as an {@code .npz}) holding {@code ticket.json} (search space, architecture,
 * normalisation, provenance) and one {@code .npy} array per tensor under {@code values/}, {@code
 * masks/} and {@code stats/}, named by parameter. In Python: {@code
 * numpy.load("t.stkt")["masks/stage0.branch0.block0.k3.pw.weight.npy"]}.
 *
 * <p>Stability promise: every later version of the library reads files of version 1.
 */
public final class TicketFile {
  /** The archive kind of ticket files. */
  public static final String KIND = "ticket";

  /** The format version this library writes; it reads every version from 1 to this one. */
  public static final int VERSION = 1;

  private TicketFile() {}

  static void write(SuperTicket t, Path file) throws IOException {
    archive(t).write(file);
  }

  /** The archive a ticket is saved as; other files (checkpoints) embed its entries. */
  public static Archive archive(SuperTicket t) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("space", t.space().toJsonTree());
    Map<String, Object> arch = new LinkedHashMap<>();
    t.architecture()
        .hidden()
        .forEach(
            (k, v) -> arch.put(k, new ArrayList<Object>(v.stream().map(Long::valueOf).toList())));
    json.put("architecture", arch);
    json.put(
        "normalization",
        Map.of("mean", floats(t.normalization().mean()), "std", floats(t.normalization().std())));
    json.put("provenance", new LinkedHashMap<String, Object>(t.provenance().entries()));
    json.put("values", new ArrayList<Object>(t.state().values().keySet()));
    json.put("masks", new ArrayList<Object>(t.state().masks().keySet()));
    json.put("stats", new ArrayList<Object>(t.state().stats().keySet()));
    entries.put("ticket.json", Json.writePretty(json).getBytes(StandardCharsets.UTF_8));
    put(entries, "values/", t.state().values());
    put(entries, "masks/", t.state().masks());
    put(entries, "stats/", t.state().stats());
    return new Archive(KIND, VERSION, entries);
  }

  /**
   * Reads a ticket file of version 1 to {@value #VERSION}.
   *
   * @throws FileFormatException the one exception for a file that will not load, naming the file
   *     and the problem: foreign, truncated or corrupt (see {@link Archive#read}), a newer format
   *     version (the message names the versions this library reads and that a newer SuperTickets-J
   *     is needed), or content that does not fit together (a tensor whose shape the architecture
   *     does not have)
   * @throws IOException when the file cannot be read at all (missing, no permission)
   */
  static SuperTicket read(Path file) throws IOException {
    return read(Archive.read(file, KIND, VERSION), file);
  }

  /**
   * The entries of {@code t}'s ticket archive under {@code prefix}, for a checkpoint that holds a
   * ticket among its own entries (a new mutable map).
   */
  public static Map<String, byte[]> embed(SuperTicket t, String prefix) {
    com.google.common.base.Preconditions.checkNotNull(t, "ticket must not be null");
    com.google.common.base.Preconditions.checkNotNull(prefix, "prefix must not be null");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    archive(t).entries().forEach((k, v) -> entries.put(prefix + k, v));
    return entries;
  }

  /** The ticket {@link #embed} stored in {@code a} under {@code prefix}. */
  public static SuperTicket embedded(Archive a, Path file, String prefix)
      throws FileFormatException {
    com.google.common.base.Preconditions.checkNotNull(a, "archive must not be null");
    com.google.common.base.Preconditions.checkNotNull(file, "file must not be null");
    com.google.common.base.Preconditions.checkNotNull(prefix, "prefix must not be null");
    Map<String, byte[]> net = new LinkedHashMap<>();
    a.entries()
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                net.put(k.substring(prefix.length()), v);
              }
            });
    return read(new Archive(KIND, VERSION, net), file);
  }

  /**
   * The ticket held by an archive of this kind and version, read from {@code file} (named in
   * errors).
   */
  public static SuperTicket read(Archive a, Path file) throws FileFormatException {
    com.google.common.base.Preconditions.checkNotNull(a, "archive must not be null");
    com.google.common.base.Preconditions.checkNotNull(
        file, "file must not be null; it names the source in errors");
    try {
      Map<String, Object> json =
          object(
              Json.parse(new String(a.entry("ticket.json", file), StandardCharsets.UTF_8)),
              "ticket.json",
              file);
      SearchSpace space = SearchSpace.fromJsonTree(json.get("space"));
      Map<String, ImmutableList<Integer>> arch = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e :
          object(json.get("architecture"), "architecture", file).entrySet()) {
        ImmutableList.Builder<Integer> widths = ImmutableList.builder();
        for (Object o : list(e.getValue(), "architecture." + e.getKey(), file)) {
          widths.add(Math.toIntExact(number(o, "architecture." + e.getKey(), file).longValue()));
        }
        arch.put(e.getKey(), widths.build());
      }
      Map<String, Object> norm = object(json.get("normalization"), "normalization", file);
      Normalization n =
          new Normalization(
              toFloats(norm.get("mean"), "normalization.mean", file),
              toFloats(norm.get("std"), "normalization.std", file));
      Map<String, String> p = new LinkedHashMap<>();
      object(json.get("provenance"), "provenance", file)
          .forEach((k, v) -> p.put(k, String.valueOf(v)));
      NetworkState state =
          new NetworkState(
              tensors(a, file, "values/", json.get("values")),
              tensors(a, file, "masks/", json.get("masks")),
              tensors(a, file, "stats/", json.get("stats")));
      SuperTicket t =
          new SuperTicket(
              space,
              new Architecture(ImmutableMap.copyOf(arch)),
              state,
              n,
              new Provenance(ImmutableMap.copyOf(p)));
      // checks that every tensor fits the architecture now, not at the first prediction
      t.network();
      return t;
    } catch (RuntimeException e) {
      throw new FileFormatException(file, "ticket content is inconsistent: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String what, Path file)
      throws FileFormatException {
    if (!(o instanceof Map)) {
      throw new FileFormatException(
          file, "ticket.json: " + what + " must be a JSON object, found " + describe(o));
    }
    return (Map<String, Object>) o;
  }

  private static List<?> list(Object o, String what, Path file) throws FileFormatException {
    if (!(o instanceof List<?> l)) {
      throw new FileFormatException(
          file, "ticket.json: " + what + " must be a JSON array, found " + describe(o));
    }
    return l;
  }

  private static Number number(Object o, String what, Path file) throws FileFormatException {
    if (!(o instanceof Number n)) {
      throw new FileFormatException(
          file, "ticket.json: " + what + " must hold numbers, found " + describe(o));
    }
    return n;
  }

  private static String describe(Object o) {
    return o == null ? "nothing" : o.getClass().getSimpleName();
  }

  private static void put(
      Map<String, byte[]> entries, String prefix, Map<String, INDArray> tensors) {
    tensors.forEach((name, arr) -> entries.put(prefix + name + ".npy", Npy.write(arr)));
  }

  private static ImmutableMap<String, INDArray> tensors(
      Archive a, Path file, String prefix, Object names) throws FileFormatException {
    String what = prefix.substring(0, prefix.length() - 1);
    Map<String, INDArray> b = new LinkedHashMap<>();
    for (Object o : list(names, what, file)) {
      if (!(o instanceof String name)) {
        throw new FileFormatException(
            file, "ticket.json: " + what + " must list names, found " + describe(o));
      }
      String entry = prefix + name + ".npy";
      if (b.put(name, Npy.read(a.entry(entry, file), file, entry)) != null) {
        throw new FileFormatException(file, "ticket.json lists " + entry + " twice");
      }
    }
    return ImmutableMap.copyOf(b);
  }

  private static List<Object> floats(float[] v) {
    List<Object> out = new ArrayList<>();
    for (float f : v) {
      out.add((double) f);
    }
    return out;
  }

  private static float[] toFloats(Object o, String what, Path file) throws FileFormatException {
    List<?> l = list(o, what, file);
    float[] out = new float[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(l.get(i), what, file).floatValue();
    }
    return out;
  }
}
