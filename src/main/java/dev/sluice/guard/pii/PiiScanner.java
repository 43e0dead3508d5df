package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Personal data: e-mail addresses, phone numbers, payment cards, IBANs, US SSNs, IP addresses and
 * custom patterns. Detectors run in a fixed priority order and a later detector's match that
 * overlaps an earlier one is dropped (a card number is not also a phone number).
 */
public final class PiiScanner implements Scanner.Reversible {
    private final List<Detector> detectors;

    public PiiScanner(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /** The built-in detectors for the given entity names, in priority order, then the custom ones. */
    public static PiiScanner of(List<String> entities, List<String> phoneRegions, List<Detector> custom) {
        List<Detector> list = new ArrayList<>();
        for (String entity : List.of("email", "iban", "credit_card", "us_ssn", "ip_address", "phone")) {
            if (entities.contains(entity)) {
                list.add(switch (entity) {
                    case "email" -> new EmailDetector();
                    case "iban" -> new IbanDetector();
                    case "credit_card" -> new CardDetector();
                    case "us_ssn" -> new SsnDetector();
                    case "ip_address" -> new IpDetector();
                    default -> new PhoneDetector(phoneRegions);
                });
            }
        }
        list.addAll(custom);
        return new PiiScanner(list);
    }

    @Override
    public String name() {
        return "pii";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = new ArrayList<>(0);
        List<Finding> found = new ArrayList<>(4);
        for (Detector d : detectors) {
            found.clear();
            d.find(text, found);
            for (Finding f : found) {
                Finding.addUnlessOverlapping(out, f);
            }
        }
        return out;
    }
}
