import PhaseGolemCore
print(PhaseGolemVersion.current)
