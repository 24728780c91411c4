package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.supertickets.io.FileFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.ByteRange;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the reader: whatever the bytes, only {@link FileFormatException} (naming the file) may
 * escape.
 */
class IdxReaderFuzzTest {
  private static Path dir;

  @BeforeContainer
  static void createDir() throws IOException {
    dir = Files.createTempDirectory("idx-fuzz");
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

  @Property(tries = 300)
  void everyTruncationOfAValidFileIsRefused(
      @ForAll("validFiles") byte[] file,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double keep) {
    byte[] cut = Arrays.copyOf(file, (int) (file.length * keep));
    assertThat(outcome(cut)).isInstanceOf(FileFormatException.class);
  }

  @Property(tries = 500)
  void singleByteFlipsReadOrFailCleanly(
      @ForAll("validFiles") byte[] file,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] flipped = file.clone();
    flipped[(int) (where * file.length)] ^= (byte) xor;
    outcome(flipped); // fails the property on anything but success or FileFormatException
  }

  @Property(tries = 300)
  void randomBytesReadOrFailCleanly(@ForAll @Size(max = 400) byte[] bytes) {
    outcome(bytes);
  }

  @Property(tries = 300)
  void randomBodiesAfterPlausibleHeadersFailCleanly(
      @ForAll @IntRange(min = 0, max = 4) int rank,
      @ForAll @Size(max = 5) int[] dims,
      @ForAll @Size(max = 300) byte[] rest,
      @ForAll boolean gzip,
      @ForAll @ByteRange(min = 8, max = 9) byte type) {
    int r = Math.min(rank, dims.length);
    byte[] header = IdxFiles.idx(type, Arrays.copyOf(dims, r), new byte[0]);
    byte[] bytes = IdxFiles.concat(header, rest);
    outcome(gzip ? IdxFiles.gzip(bytes) : bytes);
  }

  @Provide
  Arbitrary<byte[]> validFiles() {
    Arbitrary<int[]> dims =
        Arbitraries.integers().between(0, 6).array(int[].class).ofMinSize(1).ofMaxSize(4);
    return Combinators.combine(dims, Arbitraries.longs(), Arbitraries.of(true, false))
        .as(
            (d, seed, gz) -> {
              int n = Arrays.stream(d).reduce(1, (a, b) -> a * b);
              byte[] body = new byte[n];
              new java.util.SplittableRandom(seed).nextBytes(body);
              byte[] file = IdxFiles.ubyte(d, body);
              return gz ? IdxFiles.gzip(file) : file;
            });
  }

  /**
   * Reads the bytes from a file; returns null on success or the FileFormatException, fails on
   * anything else.
   */
  private static Throwable outcome(byte[] bytes) {
    Path file;
    try {
      file = Files.write(Files.createTempFile(dir, "fuzz", ".idx"), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      IdxArray a = IdxReader.read(file);
      assertThat((long) a.length()).isLessThanOrEqualTo(1100L * bytes.length);
      return null;
    } catch (FileFormatException e) {
      assertThat(e).hasMessageContaining(file.getFileName().toString());
      return e;
    } catch (Throwable t) {
      return fail("only FileFormatException may escape the reader, got " + t, t);
    } finally {
      try {
        Files.delete(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
