print("huiyan")
