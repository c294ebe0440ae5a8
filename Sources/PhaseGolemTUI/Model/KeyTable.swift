/// Which screen the UI shows.
public enum ScreenKind: Sendable, Equatable {
    case launch, run, summary
}

/// What a key press means, independent of which key it was.
public enum KeyAction: Sendable, Equatable {
    case launch, detach, quit, toggleAutoAdvance, capUp, capDown
    case moveUp, moveDown, toggleSelection, reorderUp, reorderDown
    case scrollUp, scrollDown, pageUp, pageDown, scrollTop, follow
    case toggleFilter, search, nextMatch, toggleDetail
    case help, leave
    /// `watch` only: ask the watched run to stop; go back from its summary to its log.
    case stopRun, browseLog
}

extension KeyAction {
    /// Whether a footer too narrow for every hint still shows this one: how to go on, how to
    /// get help and how to get out.
    var isEssentialHint: Bool {
        switch self {
        case .launch, .help, .quit, .leave: true
        default: false
        }
    }
}

/// One key binding: the keys, the footer label, the help text and the action.
public struct KeyBinding: Sendable, Equatable {
    public var keys: [Key]
    /// How the keys are written in the footer and help overlay (`j/k`, `PgUp/PgDn`).
    public var keyNames: String
    /// Short footer word; nil keeps the binding out of the footer (help overlay only).
    public var label: String?
    public var description: String
    public var action: KeyAction
    /// How the footer writes the keys when one hint stands for a pair (`↑/↓ scroll`).
    public var footerNames: String?

    public init(_ keys: [Key], _ keyNames: String, label: String?, _ description: String, _ action: KeyAction,
                footer: String? = nil) {
        self.footerNames = footer
        self.keys = keys
        self.keyNames = keyNames
        self.label = label
        self.description = description
        self.action = action
    }
}

/// The single source of key bindings: the reducer dispatches through it, and the footer hints
/// and `?` help overlay are generated from it, so they cannot drift apart.
public enum KeyTable {
    private static func chars(_ text: String) -> [Key] { text.map { Key.character($0) } }

    /// - Parameter watching: the bindings of `phase-golem watch`, which observes a run it does
    ///   not own: `q` leaves it alone, `s` asks it to stop.
    public static func bindings(for screen: ScreenKind, watching: Bool = false) -> [KeyBinding] {
        switch screen {
        case .launch: launch
        case .run: watching ? watchRun : run
        case .summary: watching ? watchSummary : summary
        }
    }

    /// The action bound to `key` on `screen`, if any.
    public static func action(for key: Key, on screen: ScreenKind, watching: Bool = false) -> KeyAction? {
        bindings(for: screen, watching: watching).first { $0.keys.contains(key) }?.action
    }

    static let launch: [KeyBinding] = [
        KeyBinding([.enter], "Enter", label: "launch", "Start the run with these settings", .launch),
        KeyBinding(chars("a"), "a", label: "auto-advance", "Toggle auto-advance (skip blocked targets)", .toggleAutoAdvance),
        KeyBinding(chars("+="), "+", label: "cap", "Raise the phase cap (steps of 1 below 10, 5 below 50, 10 below 200, then 50)", .capUp, footer: "+/-"),
        KeyBinding(chars("-_"), "-", label: nil, "Lower the phase cap, by the same steps", .capDown),
        KeyBinding(chars("k") + [.up], "↑ k", label: "move", "Move the highlight up", .moveUp, footer: "↑/↓"),
        KeyBinding(chars("j") + [.down], "↓ j", label: nil, "Move the highlight down", .moveDown),
        KeyBinding(chars(" "), "Space", label: "pick", "Pick or unpick the highlighted item", .toggleSelection),
        KeyBinding(chars("K"), "K", label: "reorder", "Move the highlighted item earlier in run order", .reorderUp, footer: "J/K"),
        KeyBinding(chars("J"), "J", label: nil, "Move the highlighted item later in run order", .reorderDown),
        KeyBinding(chars("d"), "d", label: "detach",
                   "Start the run in the background instead and watch it here: closing this terminal does not stop it", .detach),
        KeyBinding(chars("?"), "?", label: "help", "Show or hide this help", .help),
        KeyBinding(chars("q") + [.interrupt], "q", label: "quit", "Quit without running (exit 130)", .quit),
    ]

    static let run: [KeyBinding] = [
        KeyBinding(chars("k") + [.up], "↑ k", label: "scroll", "Scroll the log up one line", .scrollUp, footer: "↑/↓"),
        KeyBinding(chars("j") + [.down], "↓ j", label: nil, "Scroll the log down one line", .scrollDown),
        KeyBinding([.pageUp], "PgUp", label: nil, "Scroll the log up one page", .pageUp),
        KeyBinding([.pageDown], "PgDn", label: nil, "Scroll the log down one page", .pageDown),
        KeyBinding(chars("g") + [.home], "g Home", label: nil, "Jump to the oldest log line", .scrollTop),
        KeyBinding(chars("G") + [.end], "G End", label: "follow", "Follow the log tail again", .follow),
        KeyBinding([.left], "←", label: "target", "Select the previous target", .moveUp, footer: "←/→"),
        KeyBinding([.right], "→", label: nil, "Select the next target", .moveDown),
        KeyBinding(chars("r") + [.enter], "r/Enter", label: "reason", "Show or hide the selected target's detail", .toggleDetail),
        KeyBinding([.tab], "Tab", label: "filter", "Switch between all output and the selected target's", .toggleFilter),
        KeyBinding(chars("/"), "/", label: "search", "Search the log backwards", .search),
        KeyBinding(chars("n"), "n", label: nil, "Next (older) match", .nextMatch),
        KeyBinding(chars("?"), "?", label: "help", "Show or hide this help", .help),
        KeyBinding(chars("q") + [.interrupt], "q/^C", label: "stop", "Stop the run (asks first; ^C again forces)", .quit),
    ]

    /// The run screen in `watch`: the same scrolling and selection keys, its own way out.
    static let watchRun: [KeyBinding] = run.filter { $0.action != .quit } + [
        KeyBinding(chars("s"), "s", label: "stop run", "Stop the watched run gracefully (asks first; sends it SIGTERM)", .stopRun),
        KeyBinding(chars("q") + [.interrupt], "q/^C", label: "leave", "Leave the watcher; the run goes on", .leave),
    ]

    static let watchSummary: [KeyBinding] = [
        KeyBinding(chars("l"), "l", label: "log", "Browse the run's log", .browseLog),
        KeyBinding(chars("?"), "?", label: "help", "Show or hide this help", .help),
        KeyBinding([], "any key", label: "leave", "Leave the watcher", .leave),
    ]

    static let summary: [KeyBinding] = [
        KeyBinding(chars("?"), "?", label: "help", "Show or hide this help", .help),
        KeyBinding([], "any key", label: "exit", "Leave with the run's exit code", .leave),
    ]
}
