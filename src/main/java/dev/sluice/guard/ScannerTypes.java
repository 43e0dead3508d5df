package dev.sluice.guard;

import dev.sluice.guard.answer.AnswerScannerTypes;
import dev.sluice.guard.content.ContentScannerTypes;
import dev.sluice.guard.injection.InjectionScannerType;
import dev.sluice.guard.judge.JudgeScannerType;
import dev.sluice.guard.pii.PiiScannerType;
import dev.sluice.guard.secrets.SecretsScannerType;
import dev.sluice.guard.toxicity.ToxicityScannerType;
import java.util.List;

/** The registry of guardrail scanners. A new scanner is its folder, declaring its {@link ScannerType}, plus one entry here. */
public final class ScannerTypes {
    private ScannerTypes() {}

    public static final List<ScannerType<?>> ALL = List.of(
            InjectionScannerType.TYPE,
            PiiScannerType.TYPE,
            SecretsScannerType.TYPE,
            ContentScannerTypes.INVISIBLE_TEXT,
            ContentScannerTypes.LIMITS,
            ContentScannerTypes.BANNED,
            ContentScannerTypes.URLS,
            ToxicityScannerType.TYPE,
            AnswerScannerTypes.SYSTEM_PROMPT_LEAK,
            AnswerScannerTypes.JSON_SCHEMA,
            AnswerScannerTypes.GROUNDEDNESS,
            JudgeScannerType.TYPE);
}
