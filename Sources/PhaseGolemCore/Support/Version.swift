public enum PhaseGolemVersion { public static let current = "0.1.0" }
