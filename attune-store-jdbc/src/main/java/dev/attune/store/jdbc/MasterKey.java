package dev.attune.store.jdbc;

import dev.attune.core.model.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that wraps every user's data key (AES-256-GCM). It never touches the database: it comes
 * from a file or an environment variable, as 32 random bytes in base64. Its id (a hash prefix) is
 * stored beside each wrapped key, so a wrong key is named, not guessed at.
 */
public final class MasterKey {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] key;
  private final String id;

  private MasterKey(byte[] key) {
    if (key.length != 32) {
      throw new StoreException(
          "a master key is 32 bytes (base64, 44 characters); got " + key.length + " bytes",
          false,
          null);
    }
    this.key = key.clone();
    this.id = idOf(key);
  }

  /** A new random key. */
  public static MasterKey generate() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return new MasterKey(k);
  }

  /** The key written as base64 (what a key file or {@code ATTUNE_MASTER_KEY} holds). */
  public static MasterKey fromBase64(String base64) {
    try {
      return new MasterKey(Base64.getDecoder().decode(base64.strip()));
    } catch (IllegalArgumentException e) {
      throw new StoreException("the master key is not valid base64", false, e);
    }
  }

  public static MasterKey read(Path file) {
    try {
      return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new StoreException("cannot read the master key file " + file, false, e);
    }
  }

  /** Writes the key to a new file only its owner can read. */
  public void writeNew(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.createFile(file);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the file inherits its directory's permissions.
      }
      Files.writeString(file, base64() + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new StoreException("cannot write the master key file " + file, false, e);
    }
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(key);
  }

  /** Names the key without revealing it. */
  public String id() {
    return id;
  }

  byte[] wrap(byte[] dataKey, byte[] aad) {
    return Sealing.seal(key, dataKey, aad);
  }

  byte[] unwrap(byte[] wrapped, byte[] aad) {
    return Sealing.open(key, wrapped, aad);
  }

  private static String idOf(byte[] key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key);
      return "mk_" + HexFormat.of().formatHex(h, 0, 6);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[" + id + "]";
  }

  /** AES-256-GCM with a random 96-bit nonce, stored before the ciphertext. */
  static final class Sealing {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    // Cipher.getInstance costs more than sealing a sentence: one per thread, initialised per use.
    private static final ThreadLocal<Cipher> CIPHER =
        ThreadLocal.withInitial(
            () -> {
              try {
                return Cipher.getInstance("AES/GCM/NoPadding");
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is missing from this JVM", e);
              }
            });

    private Sealing() {}

    static byte[] seal(byte[] key, byte[] plain, byte[] aad) {
      try {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        Cipher c = CIPHER.get();
        c.init(
            Cipher.ENCRYPT_MODE,
            new SecretKeySpec(key, "AES"),
            new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(aad);
        byte[] ct = c.doFinal(plain);
        byte[] out = new byte[NONCE + ct.length];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        System.arraycopy(ct, 0, out, NONCE, ct.length);
        return out;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM is missing from this JVM", e);
      }
    }

    /**
     * The plaintext, or a {@link StoreException} when the key or the owner is not the right one.
     */
    static byte[] open(byte[] key, byte[] sealed, byte[] aad) {
      try {
        Cipher c = CIPHER.get();
        c.init(
            Cipher.DECRYPT_MODE,
            new SecretKeySpec(key, "AES"),
            new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
        c.updateAAD(aad);
        return c.doFinal(sealed, NONCE, sealed.length - NONCE);
      } catch (javax.crypto.AEADBadTagException e) {
        throw new StoreException(
            "stored data does not decrypt with its key (wrong key, or a row moved between users)",
            false,
            e);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new StoreException("stored data is not a valid ciphertext", false, e);
      }
    }
  }
}
