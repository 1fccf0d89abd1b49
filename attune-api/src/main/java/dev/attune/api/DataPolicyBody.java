package dev.attune.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An org's data policy. An absent list takes its default: every category allowed, none blocked,
 * every detector applied.
 *
 * @param allowedCategories the only memory categories kept; empty or absent keeps every category
 * @param blockedCategories memory categories never kept
 * @param detectors kinds of personal data redacted before anything is stored: secret, payment_card,
 *     iban, national_id, email, ip_address, phone, address
 */
public record DataPolicyBody(
    @Nullable List<String> allowedCategories,
    @Nullable List<String> blockedCategories,
    @Nullable List<String> detectors) {}
