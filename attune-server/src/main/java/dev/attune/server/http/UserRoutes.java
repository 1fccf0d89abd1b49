package dev.attune.server.http;

import dev.attune.api.JsonInputException;
import dev.attune.api.MemoryBody;
import dev.attune.api.ProfileBody;
import dev.attune.core.Attune;
import dev.attune.core.api.MemoryEdit;
import dev.attune.core.api.NewMemory;
import dev.attune.core.model.Category;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.MemoryStatus;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserProfile;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.MemoryQuery;
import dev.attune.server.wire.Wire;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A user's profile and memories, and the user's rights: export and erasure. */
final class UserRoutes {
  private final Attune attune;

  UserRoutes(Attune attune) {
    this.attune = attune;
  }

  void declare(Routes r) {
    String user = "/v1/users/{user_id}";
    String memory = user + "/memories/{memory_id}";
    r.add("GET", user + "/profile", Operation.READ_PROFILE, this::getProfile);
    r.add("PUT", user + "/profile", Operation.EDIT_PROFILE, this::putProfile);
    r.add("PATCH", user + "/profile", Operation.EDIT_PROFILE, this::patchProfile);
    r.add("GET", user + "/memories", Operation.READ_MEMORIES, this::listMemories);
    r.add("POST", user + "/memories", Operation.WRITE_MEMORY, this::addMemory);
    r.add("GET", memory, Operation.READ_MEMORIES, this::getMemory);
    r.add("PATCH", memory, Operation.WRITE_MEMORY, this::patchMemory);
    r.add("DELETE", memory, Operation.DELETE_MEMORY, this::deleteMemory);
    r.add("GET", memory + "/history", Operation.READ_MEMORIES, this::history);
    r.add("GET", user + "/export", Operation.EXPORT, this::export);
    r.add("DELETE", user, Operation.ERASE, this::forget);
  }

  private UserRecord existingUser(TenantId tenant, UserId user) {
    return attune
        .user(tenant, user)
        .orElseThrow(() -> new NotFoundException("user '" + user + "' not found"));
  }

  private void getProfile(Call call) {
    call.json(200, Wire.profile(existingUser(call.tenant(), call.pathUser())));
  }

  private void putProfile(Call call) {
    UserId user = call.pathUser();
    ProfileBody.Put put = call.read(ProfileBody.Put.class);
    UserRecord r = attune.putProfile(call.tenant(), user, Wire.userProfile(put));
    if (put.orgId() != null) {
      r = attune.setOrg(call.tenant(), user, OrgId.of(put.orgId()));
    }
    call.json(200, Wire.profile(r));
  }

  private void patchProfile(Call call) {
    UserId user = call.pathUser();
    Map<String, Object> patch = new LinkedHashMap<>(call.readObject());
    for (String field : patch.keySet()) {
      if (!field.equals("org_id") && !UserProfile.FIELDS.contains(field)) {
        throw new JsonInputException(
            "unknown_field", field, "request body: unknown field '" + field + "'");
      }
    }
    boolean orgGiven = patch.containsKey("org_id");
    Object org = patch.remove("org_id");
    if (org != null && !(org instanceof String)) {
      throw new InvalidRequestException("org_id", "org_id must be a string or null");
    }
    UserRecord r = attune.patchProfile(call.tenant(), user, patch);
    if (orgGiven) {
      r = attune.setOrg(call.tenant(), user, org == null ? null : OrgId.of((String) org));
    }
    call.json(200, Wire.profile(r));
  }

  private void listMemories(Call call) {
    UserId user = call.pathUser();
    existingUser(call.tenant(), user);
    Set<MemoryStatus> statuses = statuses(call.query("status"));
    Set<Category> categories = EnumSet.noneOf(Category.class);
    String categoryParam = call.query("category");
    if (categoryParam != null) {
      for (String c : categoryParam.split(",")) {
        categories.add(Category.parse("category", c.strip()));
      }
    }
    int limit = call.intQuery("limit", 100, 1, 500);
    int offset = call.intQuery("offset", 0, 0, Integer.MAX_VALUE - 1000);
    List<Memory> page =
        attune.memories(
            call.tenant(), user, new MemoryQuery(statuses, categories, offset, limit + 1));
    Integer next = page.size() > limit ? offset + limit : null;
    call.json(
        200,
        new MemoryBody.Page(
            Wire.memories(page.subList(0, Math.min(limit, page.size())), attune), next));
  }

  private static Set<MemoryStatus> statuses(@Nullable String param) {
    if (param == null || param.isBlank()) {
      return EnumSet.of(MemoryStatus.ACTIVE);
    }
    Set<MemoryStatus> out = EnumSet.noneOf(MemoryStatus.class);
    for (String s : param.split(",")) {
      switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "all" -> out.addAll(EnumSet.allOf(MemoryStatus.class));
        case "active" -> out.add(MemoryStatus.ACTIVE);
        case "superseded" -> out.add(MemoryStatus.SUPERSEDED);
        case "deleted" -> out.add(MemoryStatus.DELETED);
        default ->
            throw new InvalidRequestException(
                "status", "status must be active, superseded, deleted or all; got '" + s + "'");
      }
    }
    return out;
  }

  private void addMemory(Call call) {
    UserId user = call.pathUser();
    MemoryBody.Create c = call.read(MemoryBody.Create.class);
    if (c.category() == null) {
      throw new InvalidRequestException("category", "category is required");
    }
    NewMemory memory =
        new NewMemory(
            c.text(),
            Category.parse("category", c.category()),
            Boolean.TRUE.equals(c.pinned()),
            Wire.instant("valid_from", c.validFrom()));
    Memory m = attune.addMemory(call.tenant(), user, memory, "api:" + call.key().id());
    call.auditTarget(m.id().value());
    call.json(201, Wire.memory(attune.state(m)));
  }

  private MemoryId memoryId(Call call) {
    MemoryId id = MemoryId.of(call.ctx().pathParam("memory_id"));
    call.auditTarget(id.value());
    return id;
  }

  private void getMemory(Call call) {
    UserId user = call.pathUser();
    MemoryId id = memoryId(call);
    Memory m =
        attune
            .memory(call.tenant(), user, id)
            .orElseThrow(() -> new NotFoundException("memory " + id + " not found"));
    call.json(200, Wire.memory(attune.state(m)));
  }

  private void patchMemory(Call call) {
    UserId user = call.pathUser();
    MemoryId id = memoryId(call);
    MemoryBody.Patch p = call.read(MemoryBody.Patch.class);
    MemoryEdit edit =
        new MemoryEdit(
            p.text(),
            p.category() == null ? null : Category.parse("category", p.category()),
            p.pinned());
    Memory edited = attune.editMemory(call.tenant(), user, id, edit, call.actor());
    call.json(200, Wire.memory(attune.state(edited)));
  }

  private void deleteMemory(Call call) {
    UserId user = call.pathUser();
    attune.deleteMemory(call.tenant(), user, memoryId(call), call.actor());
    call.noContent();
  }

  private void history(Call call) {
    UserId user = call.pathUser();
    MemoryId id = memoryId(call);
    call.json(
        200,
        new MemoryBody.History(
            id.value(),
            attune.history(call.tenant(), user, id).stream().map(Wire::change).toList()));
  }

  private void export(Call call) {
    UserId user = call.pathUser();
    existingUser(call.tenant(), user);
    call.json(200, Wire.export(attune.export(call.tenant(), user), attune));
  }

  private void forget(Call call) {
    UserId user = call.pathUser();
    if (!attune.forget(call.tenant(), user)) {
      throw new NotFoundException("user '" + user + "' not found");
    }
    call.noContent();
  }
}
