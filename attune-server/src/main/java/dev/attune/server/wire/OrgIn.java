package dev.attune.server.wire;

import dev.attune.core.model.OrgProfile;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An org profile as written on the wire; every field optional. */
public record OrgIn(
    @Nullable String name,
    @Nullable String industry,
    @Nullable Map<String, String> terminology,
    @Nullable List<String> compliance,
    @Nullable List<String> tone) {
  public OrgProfile toProfile() {
    return new OrgProfile(name, industry, terminology, compliance, tone);
  }
}
