package dev.supertickets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.supertickets.data.IdxArray;
import dev.supertickets.data.IdxReader;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes every reader of the library: the archive container ({@link Archive#read}), the ticket file
 * ({@link SuperTicket#load}) and the IDX reader ({@link IdxReader#read(Path)}, plain and gzip).
 * Whatever the bytes, nothing but {@link FileFormatException} naming the file may escape (no NPE,
 * index, arithmetic, ND4J or memory error), and nothing may load silently wrong: every truncation
 * and every flip of an archive is refused (its whole-file SHA-256), a flipped gzip IDX file is
 * refused or reads exactly as written (its CRC-32), and a flipped plain IDX file is refused when
 * the flip is in its header (its body has no checksum: see {@link IdxReader}).
 */
class ReaderFuzzProperties {
  private static Path dir;
  private static byte[] archive;
  private static Archive archiveContent;
  private static byte[] ticket;
  private static Archive ticketContent;

  @BeforeContainer
  static void writeSamples() throws IOException {
    Backend.init();
    dir = Files.createTempDirectory("reader-fuzz");
    Map<String, byte[]> e = new LinkedHashMap<>();
    e.put("meta.json", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
    e.put("w.npy", Npy.write(org.nd4j.linalg.factory.Nd4j.linspace(1, 12, 12).reshape(3, 4)));
    archiveContent = new Archive("ticket", 1, e);
    archive = archiveContent.toBytes();
    SuperTicket dense =
        SuperTicket.of(
            new HrSupernet(SearchSpaces.tiny28(), new SplittableRandom(1)),
            Normalization.identity(1),
            Provenance.of(Map.of("method", "fuzz")));
    Path t = dir.resolve("sample.stkt");
    dense.prune(MaskPolicies.magnitude(), 0.5, null, 1).save(t);
    ticket = Files.readAllBytes(t);
    ticketContent = Archive.read(t, "ticket", 1);
    Files.delete(t);
  }

  @AfterContainer
  static void deleteDir() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  // ---- archives
  // ------------------------------------------------------------------------------------------------

  @Property(tries = 200)
  void everyTruncatedArchiveIsRefused(@ForAll("fractions") double keep) {
    assertRefused(readArchive(Arrays.copyOf(archive, (int) (archive.length * keep))));
  }

  @Property(tries = 200)
  void everyFlippedArchiveIsRefused(
      @ForAll("flipSeeds") long seed, @ForAll @IntRange(min = 1, max = 4) int flips) {
    assertRefused(readArchive(flip(archive, seed, flips, 0, archive.length)));
  }

  @Property(tries = 200)
  void randomBytesAreNoArchive(@ForAll @Size(max = 2000) byte[] bytes, @ForAll boolean zipMagic) {
    if (zipMagic && bytes.length >= 4) {
      bytes[0] = 'P';
      bytes[1] = 'K';
      bytes[2] = 3;
      bytes[3] = 4;
    }
    assertRefused(readArchive(bytes));
  }

  @Property(tries = 200)
  void foreignZipsAreRefused(@ForAll("foreignZips") byte[] zip) {
    assertRefused(readArchive(zip));
    assertRefused(loadTicket(zip));
  }

  /**
   * Early files lack the whole-file checksum: a flip there may survive in the ZIP layer, but never
   * in content.
   */
  @Property(tries = 200)
  void flippedEarlyArchivesFailCleanlyOrReadTheSameEntries(
      @ForAll("flipSeeds") long seed, @ForAll @IntRange(min = 1, max = 3) int flips)
      throws IOException {
    byte[] legacy = legacyBytes(archiveContent);
    Object outcome = readArchive(flip(legacy, seed, flips, 0, legacy.length));
    if (outcome instanceof Archive a) {
      assertThat(a.entries().keySet()).isEqualTo(archiveContent.entries().keySet());
      a.entries().forEach((k, v) -> assertThat(v).isEqualTo(archiveContent.entries().get(k)));
    }
  }

  // ---- tickets
  // -------------------------------------------------------------------------------------------------

  @Property(tries = 200)
  void everyTruncatedTicketIsRefused(@ForAll("fractions") double keep) {
    assertRefused(loadTicket(Arrays.copyOf(ticket, (int) (ticket.length * keep))));
  }

  @Property(tries = 200)
  void everyFlippedTicketIsRefused(
      @ForAll("flipSeeds") long seed,
      @ForAll @IntRange(min = 1, max = 4) int flips,
      @ForAll boolean nearTheEnd) {
    // half of the flips land in the last 2 KiB: the ZIP directory, the manifest and the comment
    // live there
    int from = nearTheEnd ? Math.max(0, ticket.length - 2048) : 0;
    assertRefused(loadTicket(flip(ticket, seed, flips, from, ticket.length)));
  }

  /**
   * Damaged content behind valid checksums (a file rebuilt by hand, or written by a buggy tool):
   * the ticket reader still refuses it with the documented exception, never with another one.
   */
  @Property(tries = 120)
  void resealedDamagedTicketContentFailsCleanly(
      @ForAll("flipSeeds") long seed,
      @ForAll @IntRange(min = 1, max = 3) int flips,
      @ForAll("ticketEntries") String entry)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>(ticketContent.entries());
    byte[] b = entries.get(entry);
    // npy entries: flip inside the header, where shape and dtype live; the float data has no
    // structure to break
    int to = entry.endsWith(".npy") ? Math.min(b.length, 128) : b.length;
    entries.put(entry, flip(b, seed, flips, 0, to));
    outcomeOf(new Archive("ticket", 1, entries).toBytes(), SuperTicket::load);
  }

  @Property(tries = 60)
  void resealedTicketsWithoutAnEntryAreRefused(@ForAll("ticketEntries") String entry)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>(ticketContent.entries());
    entries.remove(entry);
    assertRefused(outcomeOf(new Archive("ticket", 1, entries).toBytes(), SuperTicket::load));
  }

  // ---- npy entries
  // ---------------------------------------------------------------------------------------------

  @Property(tries = 200)
  void damagedNpyArraysFailCleanly(
      @ForAll("flipSeeds") long seed,
      @ForAll @IntRange(min = 0, max = 3) int flips,
      @ForAll("fractions") double keep) {
    byte[] npy = archiveContent.entries().get("w.npy");
    byte[] bytes =
        flips == 0 ? Arrays.copyOf(npy, (int) (npy.length * keep)) : flip(npy, seed, flips, 0, 80);
    Object outcome = outcomeOf(bytes, f -> Npy.read(bytes, f, "w.npy"));
    if (outcome instanceof org.nd4j.linalg.api.ndarray.INDArray a) {
      assertThat(a.length())
          .isEqualTo(12); // a header flip that still reads describes as many numbers
    }
  }

  /**
   * Declared shapes of any size, e.g. (99999999999999999999,) or (2**62, 8): refused, never
   * allocated.
   */
  @Property(tries = 200)
  void npyShapesThatDisagreeWithTheDataAreRefused(
      @ForAll("shapeDigits") List<Integer> digits, @ForAll @IntRange(max = 64) int dataLength) {
    byte[] data = new byte[dataLength];
    StringBuilder shape = new StringBuilder();
    for (int d : digits) {
      shape.append(shape.length() == 0 ? "" : ", ").append("9".repeat(d / 2)).append(d % 10);
    }
    if (digits.size() == 1) {
      shape.append(',');
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
    String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + data.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
        .putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
    byte[] bytes = b.array();
    Object outcome = outcomeOf(bytes, f -> Npy.read(bytes, f, "x.npy"));
    if (outcome instanceof org.nd4j.linalg.api.ndarray.INDArray a) {
      assertThat(a.length() * 4).isEqualTo(data.length);
    }
  }

  // ---- IDX
  // -----------------------------------------------------------------------------------------------------

  @Property(tries = 200)
  void everyTruncatedIdxFileIsRefused(
      @ForAll("idxFiles") byte[] file, @ForAll("fractions") double keep, @ForAll boolean gzip) {
    byte[] bytes = gzip ? gzip(file) : file;
    assertRefused(readIdx(Arrays.copyOf(bytes, (int) (bytes.length * keep))));
  }

  @Property(tries = 200)
  void flippedIdxHeadersAreRefused(
      @ForAll("idxFiles") byte[] file,
      @ForAll("flipSeeds") long seed,
      @ForAll @IntRange(min = 1, max = 3) int flips) {
    int header = 4 + 4 * (file[3] & 0xff);
    assertRefused(readIdx(flip(file, seed, flips, 0, header)));
  }

  /**
   * Plain IDX has no checksum: a flipped pixel reads as a different pixel, but never changes the
   * shape.
   */
  @Property(tries = 200)
  void flippedIdxBodiesKeepTheirShape(
      @ForAll("idxFiles") byte[] file, @ForAll("flipSeeds") long seed) {
    int header = 4 + 4 * (file[3] & 0xff);
    Object outcome = readIdx(flip(file, seed, 1, header, file.length));
    assertThat(outcome).isInstanceOf(IdxArray.class);
    assertThat(((IdxArray) outcome).dims()).isEqualTo(dims(file));
  }

  @Property(tries = 200)
  void flippedGzipIdxFilesAreRefusedOrReadExactly(
      @ForAll("idxFiles") byte[] file,
      @ForAll("flipSeeds") long seed,
      @ForAll @IntRange(min = 1, max = 4) int flips) {
    byte[] gz = gzip(file);
    Object outcome = readIdx(flip(gz, seed, flips, 0, gz.length));
    if (outcome instanceof IdxArray a) {
      // a flip in the gzip header's time, flags-free extra or OS byte changes nothing that is read
      assertThat(a.dims()).isEqualTo(dims(file));
      assertThat(a.data())
          .isEqualTo(Arrays.copyOfRange(file, 4 + 4 * (file[3] & 0xff), file.length));
    }
  }

  @Property(tries = 200)
  void randomBytesAreNoIdxFile(@ForAll @Size(max = 600) byte[] bytes, @ForAll boolean gzip) {
    Object outcome = readIdx(gzip ? gzip(bytes) : bytes);
    if (outcome instanceof IdxArray a) {
      assertThat((long) a.length()).isLessThanOrEqualTo(bytes.length);
    }
  }

  /** Huge declared sizes are refused from the header, before anything of that size is allocated. */
  @Property(tries = 200)
  void hugeDeclaredDimensionsAreRefusedWithoutAllocating(
      @ForAll("idxDims") List<Integer> dims,
      @ForAll @IntRange(max = 64) int bodyLength,
      @ForAll boolean gzip) {
    byte[] body = new byte[bodyLength];
    long count =
        dims.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> Math.min(a * b, 1L << 40));
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.size() + body.length);
    b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.size());
    dims.forEach(b::putInt);
    b.put(body);
    Object outcome = readIdx(gzip ? gzip(b.array()) : b.array());
    if (count != body.length) {
      assertRefused(outcome);
    }
  }

  // ---- generators
  // ----------------------------------------------------------------------------------------------

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 1).ofScale(6).filter(d -> d < 1);
  }

  @Provide
  Arbitrary<Long> flipSeeds() {
    return Arbitraries.longs();
  }

  @Provide
  Arbitrary<List<Integer>> shapeDigits() {
    return Arbitraries.integers().between(0, 40).list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Integer>> idxDims() {
    return Arbitraries.oneOf(
            Arbitraries.integers().between(1, Integer.MAX_VALUE),
            Arbitraries.integers().between(1, 9))
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> ticketEntries() {
    List<String> names = List.copyOf(ticketContent.entries().keySet());
    // ticket.json carries the structure; weight it like all the tensors together
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just("ticket.json")),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(names)));
  }

  /** Valid unsigned-byte IDX files with 1 to 4 positive dimensions and random pixels. */
  @Provide
  Arbitrary<byte[]> idxFiles() {
    Arbitrary<int[]> dims =
        Arbitraries.integers().between(1, 7).array(int[].class).ofMinSize(1).ofMaxSize(4);
    return Combinators.combine(dims, Arbitraries.longs())
        .as(
            (d, seed) -> {
              int n = Arrays.stream(d).reduce(1, (a, b) -> a * b);
              ByteBuffer b = ByteBuffer.allocate(4 + 4 * d.length + n);
              b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) d.length);
              for (int x : d) {
                b.putInt(x);
              }
              byte[] body = new byte[n];
              new SplittableRandom(seed).nextBytes(body);
              return b.put(body).array();
            });
  }

  /**
   * ZIP files that are not archives of this library, some made to look like one: a manifest entry
   * with the magic line, a ticket.json, the archive comment of an early file or one with a made-up
   * checksum.
   */
  @Provide
  Arbitrary<byte[]> foreignZips() {
    Arbitrary<String> names =
        Arbitraries.of(Archive.MANIFEST, "ticket.json", "values/w.npy", "data.bin", "a/b/c");
    Arbitrary<byte[]> contents = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<Map<String, byte[]>> entries = Arbitraries.maps(names, contents).ofMaxSize(4);
    Arbitrary<String> comments =
        Arbitraries.of(
            "",
            "hello",
            Archive.MAGIC + " ticket v1",
            Archive.MAGIC + " ticket v1 sha256 " + "ab".repeat(32),
            Archive.MAGIC + " checkpoint v2");
    return Combinators.combine(
            entries, comments, Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as((e, comment, manifest, stored) -> zip(e, comment, manifest, stored));
  }

  private static byte[] zip(
      Map<String, byte[]> entries, String comment, boolean manifest, boolean stored) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setComment(comment);
      if (manifest) {
        // a plausible manifest that lists nothing, so the extra entry below is never accounted for
        put(
            zip,
            Archive.MANIFEST,
            (Archive.MAGIC + "\nkind ticket\nversion 1\n").getBytes(StandardCharsets.UTF_8),
            stored);
      }
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        if (!(manifest && e.getKey().equals(Archive.MANIFEST))) {
          put(zip, e.getKey(), e.getValue(), stored);
        }
      }
      put(zip, "unlisted.npy", new byte[] {1, 2, 3}, stored);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] data, boolean stored)
      throws IOException {
    ZipEntry e = new ZipEntry(name);
    if (stored) {
      e.setMethod(ZipEntry.STORED);
      e.setSize(data.length);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(data);
      e.setCrc(crc.getValue());
    }
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  /**
   * The bytes the writer produced before the whole-file checksum: the ZIP comment held magic, kind
   * and version.
   */
  static byte[] legacyBytes(Archive a) throws IOException {
    StringBuilder manifest =
        new StringBuilder(Archive.MAGIC)
            .append('\n')
            .append("kind ")
            .append(a.kind())
            .append('\n')
            .append("version ")
            .append(a.version())
            .append('\n');
    a.entries()
        .forEach(
            (k, v) ->
                manifest
                    .append("sha256 ")
                    .append(com.google.common.hash.Hashing.sha256().hashBytes(v))
                    .append(' ')
                    .append(k)
                    .append('\n'));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setComment(Archive.MAGIC + " " + a.kind() + " v" + a.version());
      ZipEntry m = new ZipEntry(Archive.MANIFEST);
      m.setTime(0);
      zip.putNextEntry(m);
      zip.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> e : a.entries().entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        z.setTime(0);
        zip.putNextEntry(z);
        zip.write(e.getValue());
      }
    }
    return bytes.toByteArray();
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------------------

  /**
   * {@code flips} bytes in {@code [from, to)}, each XORed with a non-zero value (a real change).
   */
  private static byte[] flip(byte[] bytes, long seed, int flips, int from, int to) {
    byte[] out = bytes.clone();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < flips; i++) {
      int p = r.nextInt(from, to);
      out[p] ^= (byte) r.nextInt(1, 256);
    }
    return Arrays.equals(out, bytes)
        ? flip(bytes, seed + 1, flips, from, to)
        : out; // flips that cancel out
  }

  private static int[] dims(byte[] idx) {
    ByteBuffer b = ByteBuffer.wrap(idx);
    int[] d = new int[idx[3] & 0xff];
    for (int i = 0; i < d.length; i++) {
      d[i] = b.getInt(4 + 4 * i);
    }
    return d;
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Object readArchive(byte[] bytes) {
    return outcomeOf(bytes, f -> Archive.read(f, "ticket", 1));
  }

  private static Object loadTicket(byte[] bytes) {
    return outcomeOf(bytes, SuperTicket::load);
  }

  private static Object readIdx(byte[] bytes) {
    return outcomeOf(bytes, IdxReader::read);
  }

  private static void assertRefused(Object outcome) {
    assertThat(outcome)
        .as("a damaged or foreign file must be refused")
        .isInstanceOf(FileFormatException.class);
  }

  private interface Reader {
    Object read(Path file) throws IOException;
  }

  /**
   * Writes the bytes to a file and reads it: returns what was read or the {@link
   * FileFormatException} (whose message must name the file); anything else that escapes fails the
   * property.
   */
  private static Object outcomeOf(byte[] bytes, Reader reader) {
    Path file;
    try {
      file = Files.write(Files.createTempFile(dir, "fuzz", ".bin"), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return reader.read(file);
    } catch (FileFormatException e) {
      assertThat(e.getMessage()).contains(file.getFileName().toString());
      assertThat(e.file()).isEqualTo(file);
      return e;
    } catch (Throwable t) {
      return fail("only FileFormatException may escape a reader, got " + t, t);
    } finally {
      try {
        Files.delete(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
