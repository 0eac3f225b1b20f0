package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the host shares its file descriptors among TCP listeners. */
class FdBudgetTest {

    @Test
    void aFloodedListenerTakesThePoolButNeverTheOthersReserve() {
        FdBudget budget = new FdBudget();
        budget.share(256, 50, 3);   // 256 - 50 held - 64 for files = 142: 3 x 8 reserved, 118 shared
        assertThat(budget.reserve()).isEqualTo(FdBudget.RESERVE);
        assertThat(budget.pool()).isEqualTo(142 - 3 * FdBudget.RESERVE);
        FdBudget.Account echo = budget.account();
        FdBudget.Account http = budget.account();
        int admitted = 0;
        for (int i = 0; i < 1000 && echo.tryAcquire(); i++) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(FdBudget.RESERVE + budget.pool());
        for (int i = 0; i < FdBudget.RESERVE; i++) {
            assertThat(http.tryAcquire()).as("http's own connection %d", i).isTrue();
        }
        assertThat(http.tryAcquire()).as("past its reserve, with the pool empty").isFalse();
        echo.release();
        assertThat(http.tryAcquire()).as("one back in the pool").isTrue();
        assertThat(echo.tryAcquire()).isFalse();
    }

    @Test
    void releasingWithinTheReserveLeavesThePoolAlone() {
        FdBudget budget = new FdBudget();
        budget.share(64 + 10 + 20, 10, 1);   // 20 free: reserve min(8, 20 / 2) = 8, pool 12
        FdBudget.Account a = budget.account();
        for (int i = 0; i < 10; i++) {
            assertThat(a.tryAcquire()).isTrue();
        }
        assertThat(budget.sharedInUse()).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            a.release();
        }
        assertThat(budget.sharedInUse()).isZero();
    }

    @Test
    void aTinyLimitShrinksTheReserveSoThatHalfStaysShared() {
        FdBudget budget = new FdBudget();
        budget.share(64 + 20 + 40, 20, 10);   // 40 free among 10 listeners: 2 each, 20 shared
        assertThat(List.of(budget.reserve(), budget.pool())).containsExactly(2, 20);
        budget.share(50, 20, 10);             // nothing free: every connection refused
        assertThat(List.of(budget.reserve(), budget.pool())).containsExactly(0, 0);
        assertThat(budget.account().tryAcquire()).isFalse();
    }

    @Test
    void readsTheLimitsAsProcWritesThem() {
        assertThat(FdLimit.parse(List.of("Limit                     Soft Limit           Hard Limit           Units",
                "Max open files            1024                 524288               files"))).containsExactly(1024, 524288);
        assertThat(FdLimit.parse(List.of("Max open files            unlimited            unlimited            files")))
                .containsExactly(FdLimit.UNKNOWN, FdLimit.UNKNOWN);
        assertThat(FdLimit.read()).as("this JVM's, from /proc/self/limits").isNotNull();
        assertThat(FdLimit.raise()).isEqualTo(FdLimit.read()[1]);
    }
}
