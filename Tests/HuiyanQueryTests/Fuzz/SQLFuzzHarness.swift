import Foundation
import HuiyanStorage
@testable import HuiyanQuery

/// One fuzz input through the SQL lexer and parser — the bytes decoded the way the CLI decodes its arguments
/// (invalid UTF-8 repaired) — then, for every SELECT / EXPLAIN that parses, through the binder against a
/// database (empty feed tables), and what binds is run. Shared by Fuzz/sql.swift and FuzzRegressionTests.
/// Every input must parse or fail with an error whose range lies inside the text; nothing may trap.
enum SQLFuzzHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>, database: Database) {
        let text = String(decoding: input, as: UTF8.self)
        let length = text.utf8.count
        func check(_ error: SQLError) {
            precondition(error.range.start >= 0 && error.range.start <= error.range.end && error.range.end <= length,
                         "error range \(error.range) outside the text")
            _ = error.render(in: text)
        }
        let statements: [Statement]
        do {
            statements = try Parser.parse(text)
        } catch {
            check(error)
            return
        }
        for statement in statements {
            let select: SelectStatement
            switch statement {
            case .select(let s): select = s
            case .explain(let s, _), .explainAnalyze(let s, _): select = s
            default: continue
            }
            var binder = Binder(database: database, offsetSeconds: 8 * 3600, sql: text)
            do { _ = try binder.bind(select) } catch let error as SQLError { check(error); continue } catch { continue }
            // What binds also runs (over the empty tables, or the one row of a SELECT without FROM): the
            // evaluator's arithmetic, rounding, LIMIT and OFFSET must end in a result or an error, never a trap.
            let context = QueryContext(timeout: 2, memoryLimit: 256 << 20, threads: 1)
            _ = try? QueryEngine(database: database).execute(statement, sql: text, context: context)
        }
    }
}
