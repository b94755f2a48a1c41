import HuiyanStorage

/// What one statement runs in: the cancellation poll entered, and a spill area of its own (removed with its
/// files by `end`).
struct StatementScope {
    private let context: QueryContext
    private let area: SpillArea

    init(context: QueryContext, databasePath: String) {
        CancellationPoll.enter(context)
        self.context = context
        area = SpillArea(databasePath: databasePath)
        context.spillArea = area
    }

    func end() {
        area.removeAll()
        context.spillArea = nil
    }
}
