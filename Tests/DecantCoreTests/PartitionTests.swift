import DecantCore
import Testing

@Suite struct PartitionTests {
    @Test func compactDateFolder() throws {
        let p = try PartitionPattern("qpi_answers_{YYYYMMDD}/")
        #expect(p.date(of: "qpi_answers_20250131/part-0.jsonl") == CalendarDay(year: 2025, month: 1, day: 31))
        #expect(p.date(of: "qpi_answers_20250231/part-0.jsonl") == nil) // no 31 February
        #expect(p.date(of: "other/qpi_answers_20250131/x") == nil)
        #expect(p.literalPrefix == "qpi_answers_")
        #expect(p.render(CalendarDay(year: 2025, month: 2, day: 3)!) == "qpi_answers_20250203/")
    }

    @Test func separateTokensAndStar() throws {
        let p = try PartitionPattern("*/export/{YYYY}/{MM}/{DD}/")
        #expect(p.date(of: "prod/export/2024/02/29/x.csv") == CalendarDay(year: 2024, month: 2, day: 29))
        #expect(p.date(of: "prod/export/2023/02/29/x.csv") == nil)
        #expect(p.render(CalendarDay(year: 2024, month: 1, day: 1)!) == nil)
    }

    @Test func problems() {
        #expect(throws: PartitionPattern.Problem.noDateToken) { try PartitionPattern("exports/") }
        #expect(throws: PartitionPattern.Problem.incompleteDate) { try PartitionPattern("{YYYY}/") }
        #expect(throws: PartitionPattern.Problem.unknownToken("{YYMMDD}")) { try PartitionPattern("x_{YYMMDD}/") }
    }

    @Test func ranges() {
        let today = CalendarDay("2026-11-20")!
        #expect(DateRange(parsing: "all") == .all)
        #expect(DateRange(parsing: "last_30_days") == .lastDays(30))
        #expect(DateRange(parsing: "2025-01-01..2025-03-31") == .between(CalendarDay("2025-01-01")!, CalendarDay("2025-03-31")!))
        #expect(DateRange(parsing: "2025-01-01:2025-03-31") == .between(CalendarDay("2025-01-01")!, CalendarDay("2025-03-31")!))
        #expect(DateRange(parsing: "2025-09-01") == .day(CalendarDay("2025-09-01")!))
        #expect(DateRange(parsing: "2025-03-31..2025-01-01") == nil)
        #expect(DateRange(parsing: "last_0_days") == nil)
        #expect(DateRange(parsing: "yesterday") == nil)
        let last30 = DateRange.lastDays(30)
        #expect(last30.contains(today, today: today))
        #expect(last30.contains(CalendarDay("2026-10-22")!, today: today))
        #expect(!last30.contains(CalendarDay("2026-10-21")!, today: today))
    }
}
