package dev.sluice.server.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

class NettyLoopsTest {
    @Test
    void keepsTheLeakDetectionLevelAnOperatorAskedFor() {
        // the suite runs with -Dio.netty.leakDetection.level=simple (pom.xml); without it the loops turn detection off
        assertEquals("simple", System.getProperty("io.netty.leakDetection.level"));
        NettyLoops.group();
        assertEquals(ResourceLeakDetector.Level.SIMPLE, ResourceLeakDetector.getLevel());
    }
}
