import PhaseGolemCore

/// Runs `status` without the general argument parser when its arguments are the simple kind.
///
/// `status` is what scripts and prompts call most, and building ArgumentParser's command tree
/// (reflection and protocol-conformance lookups over a binary that carries Foundation) costs
/// more than the command itself on a small store. Anything unusual (help, unknown flags,
/// repeated options) returns nil and goes through the full parser, which reports it.
enum FastPath {
    static func status(_ arguments: [String]) -> Int32? {
        var global = GlobalSettings()
        var json = false
        var sawStatus = false
        // An array, not a Set: a Set's first insert instantiates its generic metadata through a
        // conformance lookup over the whole binary, which costs more than this command's parsing.
        var seen: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "status", !sawStatus {
                sawStatus = true
                index += 1
                continue
            }
            if argument == "--json", sawStatus, !json {
                json = true
                index += 1
                continue
            }
            let (name, inlineValue) = split(argument)
            guard GlobalOptions.names.contains(name), !seen.contains(name) else { return nil }
            seen.append(name)
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") else { return nil }
                value = arguments[index + 1]
                index += 1
            }
            switch name {
            case "--root": global.root = value
            case "--config": global.config = value
            default: global.logLevel = value
            }
            index += 1
        }
        guard sawStatus else { return nil }
        do {
            try StatusCommand.execute(global: global, json: json)
            return ExitStatus.success.rawValue
        } catch {
            Output.stderr("Error: \(error)")
            return ExitStatus.failure.rawValue
        }
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
